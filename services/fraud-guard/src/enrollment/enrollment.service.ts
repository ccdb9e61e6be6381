import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ExposureChange, LogEntryKind, ProtectiveAction } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { FieldCipher } from '@bnp/pii';
import { ActivationCodeMinter, SecretHasher } from '../activation/activation-code';
import type { FraudGuardConfig } from '../config';
import { logEntryMessage } from '../notification-log';
import { aad } from '../pii-context';
import { protectionCommandMessages } from '../protection/protection-command.message';
import { FRAUD_CONFIG } from '../tokens';
import { planCommands, type PlannedCommand } from './command-plan';
import type { EnrollmentEntity } from './enrollment.entity';
import { enrollmentCreatedMessage } from './enrollment.messages';
import { EnrollmentRepository, type EnrollmentTransaction, type NewCommand } from './enrollment.repository';
import { addMonths } from './calendar';
import { actionNames, type ProtectionRequest } from './protection-request';
import { ProtectionErrorCode, ProtectionException } from './protection.exception';

export type ProtectOutcome =
  'enrolled' | 'widened' | 'code-reissued' | 'narrowed' | 'duplicate' | 'not-protected' | 'not-enrolled' | 'dry-run';

const CODE_DRAWS = 3;
const DAY_MS = 86_400_000;

/**
 * Protects the people whose tier asks for it. For each such exposure, in one transaction: the
 * enrollment (once per person and incident), an activation code, one command per number still held,
 * EnrollmentCreated and the notification log entries, all through the outbox, so the notifier has the
 * code before it queues the notice. The monitoring partner is only queued here and called later, on
 * its own. A widening revision adds commands for what is new; a narrowing one takes nothing back.
 * While the incident is paused the commands are recorded HELD instead of written to the outbox
 * (ADR 0007, "Pause and resume"); the enrollment, the code and EnrollmentCreated go ahead.
 */
@Injectable()
export class EnrollmentService {
  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly minter: ActivationCodeMinter,
    private readonly hasher: SecretHasher,
    private readonly cipher: FieldCipher,
    @Inject(FRAUD_CONFIG) private readonly config: FraudGuardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async protect(request: ProtectionRequest): Promise<ProtectOutcome> {
    const outcome = await this.decide(request);
    this.logger.info(
      {
        incidentId: request.incidentId,
        personId: request.personId,
        revision: request.revision,
        change: ExposureChange[request.change],
        outcome,
      },
      'exposure handled',
    );
    return outcome;
  }

  private async decide(request: ProtectionRequest): Promise<ProtectOutcome> {
    const asksForProtection = request.actions.length > 0;
    if (request.dryRun) {
      if (!asksForProtection || request.change === ExposureChange.RETRACTED) return 'not-protected';
      const recorded = await this.enrollments.recordDryRun({
        exposureIdempotencyKey: request.idempotencyKey,
        incidentId: request.incidentId,
        personId: request.personId,
        revision: request.revision,
        tier: request.tier,
        actions: request.actions,
        wouldProtectSubscriptions: planCommands(request.subscriptions, request.actions).length,
      });
      return recorded ? 'dry-run' : 'duplicate';
    }
    return this.enrollments.inTransaction(async (tx) => {
      await tx.lockPerson(request.incidentId, request.personId);
      const existing = await tx.findEnrollment(request.incidentId, request.personId);
      if (existing && request.revision <= existing.lastRevision) return 'duplicate';
      if (request.change === ExposureChange.RETRACTED)
        return existing ? this.narrow(tx, existing, request) : 'not-enrolled';
      if (!asksForProtection) return 'not-protected';
      return existing ? this.widen(tx, existing, request) : this.enroll(tx, request);
    });
  }

  private async enroll(tx: EnrollmentTransaction, request: ProtectionRequest): Promise<ProtectOutcome> {
    const now = new Date();
    const enrollment = {
      id: randomUUID(),
      incidentId: request.incidentId,
      personId: request.personId,
      exposureId: request.exposureId,
      exposureIdempotencyKey: request.idempotencyKey,
      createdRevision: request.revision,
      lastRevision: request.revision,
      tier: request.tier,
      policyVersion: request.policyVersion,
      policyRule: request.policyRule,
      actions: request.actions,
      status: 'PENDING_ACTIVATION' as const,
      monitoringMonths: this.config.FRAUD_MONITORING_MONTHS,
      monitoringEndsAt: addMonths(now, this.config.FRAUD_MONITORING_MONTHS),
      enrollBy: new Date(now.getTime() + this.config.FRAUD_ENROLL_BY_DAYS * DAY_MS),
      language: request.language,
    };
    await tx.insertEnrollment(enrollment);
    await tx.saveSubscriptions(enrollment.id, request.revision, request.subscriptions);
    const planned = planCommands(request.subscriptions, request.actions);
    const held = planned.length > 0 && (await tx.mustHoldCommands(request.incidentId));
    const commands = await tx.insertCommands(this.commandRows(enrollment.id, request, planned, now, held));
    if (request.actions.includes(ProtectiveAction.FRAUD_MONITORING)) {
      await tx.queuePartnerTask(enrollment.id, 'ENROLL', randomUUID());
    }
    const codeCiphertext = await this.mintCode(tx, enrollment.id, request);
    await tx.appendOutbox([
      ...(held ? [] : commands.flatMap(protectionCommandMessages)),
      enrollmentCreatedMessage(enrollment, codeCiphertext, commands.length),
      logEntryMessage({
        incidentId: request.incidentId,
        revision: request.revision,
        personId: request.personId,
        subjectId: enrollment.id,
        kind: LogEntryKind.ENROLLMENT_CREATED,
        status: 'pending_activation',
        detail: `actions=${actionNames(request.actions)} commands=${commands.length}${heldNote(held)} enroll_by=${enrollment.enrollBy.toISOString()}`,
        occurredAt: now,
      }),
    ]);
    return 'enrolled';
  }

  /**
   * A later revision that still asks for protection: commands for what is new (a PIN reset when
   * credentials were added, a number seen for the first time), and a fresh code in its own
   * EnrollmentCreated, since the notifier holds each notice until the code for that exposure arrives.
   */
  private async widen(
    tx: EnrollmentTransaction,
    existing: EnrollmentEntity,
    request: ProtectionRequest,
  ): Promise<ProtectOutcome> {
    const now = new Date();
    const addedActions = request.actions.filter((action) => !existing.actions.includes(action));
    const actions = [...existing.actions, ...addedActions].sort((a, b) => a - b);
    await tx.saveSubscriptions(existing.id, request.revision, request.subscriptions);
    const planned = planCommands(request.subscriptions, request.actions, await tx.commandedActions(existing.id));
    const held = planned.length > 0 && (await tx.mustHoldCommands(request.incidentId));
    const commands = await tx.insertCommands(this.commandRows(existing.id, request, planned, now, held));
    await tx.updateScope(existing.id, {
      actions,
      tier: request.tier,
      lastRevision: request.revision,
      language: request.language || undefined,
    });
    const live = existing.status === 'PENDING_ACTIVATION' || existing.status === 'ACTIVE';
    if (addedActions.includes(ProtectiveAction.FRAUD_MONITORING) && live) {
      await tx.queuePartnerTask(existing.id, 'ENROLL', randomUUID());
    }
    const codeCiphertext = await this.mintCode(tx, existing.id, request);
    const widened = addedActions.length > 0 || commands.length > 0;
    await tx.appendOutbox([
      ...(held ? [] : commands.flatMap(protectionCommandMessages)),
      enrollmentCreatedMessage(
        { ...existing, actions, exposureIdempotencyKey: request.idempotencyKey },
        codeCiphertext,
        await tx.protectedSubscriptionCount(existing.id),
      ),
      logEntryMessage({
        incidentId: request.incidentId,
        revision: request.revision,
        personId: request.personId,
        subjectId: existing.id,
        kind: LogEntryKind.ENROLLMENT_CHANGED,
        status: widened ? 'widened' : 'code_reissued',
        detail: `added_actions=${actionNames(addedActions)} commands=${commands.length}${heldNote(held)}`,
        occurredAt: now,
      }),
    ]);
    return widened ? 'widened' : 'code-reissued';
  }

  /**
   * Mints this exposure's activation code and keeps only its keyed hash; returns the code encrypted
   * for EnrollmentCreated. At 50 bits a clash is rare but, over millions of people, not impossible:
   * it is minted again.
   */
  private async mintCode(tx: EnrollmentTransaction, enrollmentId: string, request: ProtectionRequest): Promise<Buffer> {
    for (let draw = 0; draw < CODE_DRAWS; draw++) {
      const code = this.minter.mint();
      const fresh = await tx.insertActivationCode({
        codeHash: this.hasher.activationCode(code.body),
        enrollmentId,
        exposureIdempotencyKey: request.idempotencyKey,
        revision: request.revision,
      });
      if (fresh) return this.cipher.encrypt(code.display, aad.activationCode(enrollmentId));
    }
    throw new ProtectionException(
      ProtectionErrorCode.CodeSpaceCollision,
      `no unused activation code in ${CODE_DRAWS} draws`,
    );
  }

  private async narrow(
    tx: EnrollmentTransaction,
    existing: EnrollmentEntity,
    request: ProtectionRequest,
  ): Promise<ProtectOutcome> {
    await tx.updateScope(existing.id, {
      actions: existing.actions,
      tier: existing.tier,
      lastRevision: request.revision,
      retractedRevision: request.revision,
    });
    await tx.appendOutbox([
      logEntryMessage({
        incidentId: request.incidentId,
        revision: request.revision,
        personId: request.personId,
        subjectId: existing.id,
        kind: LogEntryKind.ENROLLMENT_CHANGED,
        status: 'narrowed_protection_kept',
        // Locks are only lifted by the subscriber's biometric re-verification; the correcting notice says so.
        detail: `scope narrowed in revision ${request.revision}; locks and monitoring stay in place`,
      }),
    ]);
    return 'narrowed';
  }

  /** Held commands are sent by the release job once the incident resumes; their resend clock starts then. */
  private commandRows(
    enrollmentId: string,
    request: ProtectionRequest,
    planned: PlannedCommand[],
    now: Date,
    held: boolean,
  ): NewCommand[] {
    return planned.map(({ subscription, actions }) => ({
      commandId: randomUUID(),
      enrollmentId,
      incidentId: request.incidentId,
      personId: request.personId,
      subscriberId: subscription.subscriberId,
      exposureRevision: request.revision,
      actions,
      msisdnCiphertext: subscription.msisdnCiphertext,
      msisdnMasked: subscription.msisdnMasked,
      status: held ? 'HELD' : 'SENT',
      attempt: 1,
      issuedAt: now,
      lastSentAt: held ? null : now,
      nextSendAt: held ? null : new Date(now.getTime() + this.config.FRAUD_COMMAND_RESEND_AFTER_MS),
    }));
  }
}

/** For the notification log: the commands were decided but wait for the incident to resume. */
function heldNote(held: boolean): string {
  return held ? ' held_while_paused=true' : '';
}
