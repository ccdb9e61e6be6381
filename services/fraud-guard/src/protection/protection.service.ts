import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogChannel, LogEntryKind, ProtectionOutcome } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import type { FraudGuardConfig } from '../config';
import { ProtectionErrorCode } from '../enrollment/protection.exception';
import { logEntryMessage } from '../notification-log';
import { FRAUD_CONFIG } from '../tokens';
import type { Acknowledgement } from './protection-ack.decoder';
import type { CommandStatus } from './protection-command.entity';
import { protectionCommandMessages } from './protection-command.message';
import { ProtectionRepository } from './protection.repository';

export type AckOutcome = 'recorded' | 'duplicate';

const STATUS_OF: Record<Acknowledgement['outcome'], CommandStatus> = {
  [ProtectionOutcome.APPLIED]: 'APPLIED',
  [ProtectionOutcome.ALREADY_APPLIED]: 'ALREADY_APPLIED',
  [ProtectionOutcome.REJECTED]: 'REJECTED',
};

/**
 * Keeps protection commands honest: the first acknowledgement of a command is recorded (and logged),
 * later ones change nothing; commands still unacknowledged when their time comes are re-sent with the
 * same command id and the next attempt number, backing off up to a ceiling. A rejected command is not
 * re-sent: the operator refused it, and care follows it up from the enrollment view.
 */
@Injectable()
export class ProtectionService {
  constructor(
    private readonly commands: ProtectionRepository,
    @Inject(FRAUD_CONFIG) private readonly config: FraudGuardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async recordAcknowledgement(ack: Acknowledgement): Promise<AckOutcome> {
    const status = STATUS_OF[ack.outcome];
    const outcome = await this.commands.inTransaction(async (tx) => {
      const command = await tx.acknowledge(ack.commandId, status, ack.detail, ack.acknowledgedAt);
      if (!command) {
        if (await tx.commandExists(ack.commandId)) return 'duplicate';
        throw new DomainException(ProtectionErrorCode.UnknownCommand, `no protection command ${ack.commandId}`);
      }
      await tx.appendOutbox([
        logEntryMessage({
          incidentId: command.incidentId,
          revision: command.exposureRevision,
          personId: command.personId,
          subjectId: command.commandId,
          kind: LogEntryKind.PROTECTION_ACKNOWLEDGED,
          channel: LogChannel.OPERATOR_SYSTEM,
          status: status.toLowerCase(),
          recipientMasked: command.msisdnMasked,
          errorCode: status === 'REJECTED' ? 'REJECTED_BY_OPERATOR' : '',
          detail: `attempt=${command.attempt}${ack.detail ? ` ${ack.detail}` : ''}`,
          occurredAt: ack.acknowledgedAt,
        }),
      ]);
      return 'recorded' as const;
    });
    this.logger.info({ commandId: ack.commandId, status, outcome }, 'protection acknowledgement handled');
    return outcome;
  }

  /**
   * Sends one batch of commands held while their incident was paused, now that it is not; returns how
   * many. They go out as first attempts, in the order they were decided, each once (ADR 0007).
   */
  async releaseHeld(limit = 500): Promise<number> {
    const released = await this.commands.inTransaction(async (tx) => {
      const due = await tx.releaseHeld(limit, this.config.FRAUD_COMMAND_RESEND_AFTER_MS);
      await tx.appendOutbox(due.flatMap(protectionCommandMessages));
      return due.length;
    });
    if (released > 0) this.logger.info({ released }, 'protection commands held by a pause released');
    return released;
  }

  /** Re-sends one batch of due commands; returns how many. */
  async resendDue(limit = 500): Promise<number> {
    const resent = await this.commands.inTransaction(async (tx) => {
      const due = await tx.claimDueResends(
        limit,
        this.config.FRAUD_COMMAND_RESEND_AFTER_MS,
        this.config.FRAUD_COMMAND_RESEND_MAX_MS,
      );
      await tx.appendOutbox(due.flatMap(protectionCommandMessages));
      return due.length;
    });
    if (resent > 0) this.logger.warn({ resent }, 'unacknowledged protection commands re-sent');
    return resent;
  }
}
