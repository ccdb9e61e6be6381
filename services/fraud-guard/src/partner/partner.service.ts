import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogChannel, LogEntryKind } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { FieldCipher, redactPiiInText } from '@bnp/pii';
import type { FraudGuardConfig } from '../config';
import { logEntryMessage } from '../notification-log';
import { aad } from '../pii-context';
import { FRAUD_CONFIG } from '../tokens';
import { MONITORING_PARTNER, PartnerCallError, type MonitoringPartner } from './monitoring-partner';
import { PartnerRepository, type ClaimedTask, type EnrollmentForPartner } from './partner.repository';

type TaskResult = { status: 'DONE' | 'SKIPPED'; partnerRef: string | null; logStatus: string };

const LIVE_STATUSES = new Set(['PENDING_ACTIVATION', 'ACTIVE']);

/**
 * Works the partner queue on its own schedule, so a partner outage or a slow partner never holds up an
 * enrollment, its commands or its notice. Every try sends the task's id as the idempotency key, and a
 * retry first asks the partner whether it already holds the enrollment: a call that timed out or
 * failed after the partner stored it is found, not repeated.
 */
@Injectable()
export class PartnerService {
  constructor(
    private readonly tasks: PartnerRepository,
    @Inject(MONITORING_PARTNER) private readonly partner: MonitoringPartner,
    private readonly cipher: FieldCipher,
    @Inject(FRAUD_CONFIG) private readonly config: FraudGuardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Performs one batch of due tasks; returns how many were tried. */
  async runDue(limit = 20): Promise<number> {
    // Long enough for a lookup and a call to time out; after it a crashed worker's task is due again.
    const claimed = await this.tasks.claimDue(limit, this.config.MONITORING_PARTNER_TIMEOUT_MS * 3);
    await Promise.all(claimed.map((task) => this.perform(task)));
    return claimed.length;
  }

  private async perform(task: ClaimedTask): Promise<void> {
    const enrollment = await this.tasks.loadEnrollment(task.enrollmentId);
    if (!enrollment) {
      await this.tasks.finish(task.id, 'FAILED', null, 'enrollment not found', []);
      return;
    }
    try {
      const result = task.operation === 'ENROLL' ? await this.enroll(task, enrollment) : await this.cancel(task);
      await this.tasks.finish(task.id, result.status, result.partnerRef, null, [
        this.logEntry(task, enrollment, result.logStatus, result.partnerRef),
      ]);
      this.logger.info(
        { taskId: task.id, operation: task.operation, attempts: task.attempts, status: result.status },
        'partner task done',
      );
    } catch (error) {
      const callError =
        error instanceof PartnerCallError
          ? error
          : new PartnerCallError(true, 'UNEXPECTED_ERROR', (error as Error).message);
      const reason = redactPiiInText(callError.message).slice(0, 500);
      if (!callError.retryable) {
        await this.tasks.finish(task.id, 'FAILED', null, reason, [
          this.logEntry(
            task,
            enrollment,
            `partner_${task.operation.toLowerCase()}_failed`,
            null,
            callError.code,
            reason,
          ),
        ]);
        this.logger.error(
          { taskId: task.id, operation: task.operation, code: callError.code },
          'partner task failed for good',
        );
        return;
      }
      const delay = Math.min(
        this.config.MONITORING_PARTNER_RETRY_MAX_MS,
        this.config.MONITORING_PARTNER_RETRY_AFTER_MS * 2 ** (task.attempts - 1),
      );
      await this.tasks.reschedule(task.id, delay, `${callError.code}: ${reason}`);
      this.logger.warn(
        { taskId: task.id, operation: task.operation, attempts: task.attempts, code: callError.code, delay },
        'partner task will be retried',
      );
    }
  }

  private async enroll(task: ClaimedTask, enrollment: EnrollmentForPartner): Promise<TaskResult> {
    if (!LIVE_STATUSES.has(enrollment.status) && task.attempts === 1) {
      // Opted out or expired before the partner was ever called: nothing to enroll, nothing to undo.
      return { status: 'SKIPPED', partnerRef: null, logStatus: 'partner_enrollment_skipped' };
    }
    if (task.attempts > 1) {
      const existing = await this.partner.findByReference(task.enrollmentId);
      if (existing) return { status: 'DONE', partnerRef: existing.id, logStatus: 'partner_enrolled' };
    }
    const msisdns = enrollment.heldNumbers.map((number) => this.cipher.decrypt(number.msisdnCiphertext, aad.msisdn));
    const enrolled = await this.partner.enroll(
      {
        reference: task.enrollmentId,
        msisdns,
        monitoringStartsAt: enrollment.createdAt,
        monitoringEndsAt: enrollment.monitoringEndsAt,
      },
      task.id,
    );
    return { status: 'DONE', partnerRef: enrolled.id, logStatus: 'partner_enrolled' };
  }

  private async cancel(task: ClaimedTask): Promise<TaskResult> {
    const partnerRef =
      (await this.tasks.partnerRefOf(task.enrollmentId, 'ENROLL')) ??
      (await this.partner.findByReference(task.enrollmentId))?.id;
    if (!partnerRef) return { status: 'DONE', partnerRef: null, logStatus: 'partner_nothing_to_cancel' };
    await this.partner.cancel(partnerRef, task.id);
    return { status: 'DONE', partnerRef, logStatus: 'partner_cancelled' };
  }

  private logEntry(
    task: ClaimedTask,
    enrollment: EnrollmentForPartner,
    status: string,
    partnerRef: string | null,
    errorCode?: string,
    detail?: string,
  ) {
    return logEntryMessage({
      incidentId: enrollment.incidentId,
      revision: enrollment.lastRevision,
      personId: enrollment.personId,
      subjectId: task.enrollmentId,
      kind: LogEntryKind.ENROLLMENT_CHANGED,
      channel: LogChannel.MONITORING_PARTNER,
      status,
      providerRef: partnerRef ?? '',
      errorCode: errorCode ?? '',
      detail: detail ?? `attempts=${task.attempts}`,
    });
  }
}
