import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogEntryKind, RiskTier } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { logEntryMessage } from '../notification-log';
import { EnrollmentApiErrorCode } from './enrollment-api.exception';
import { EnrollmentRepository } from './enrollment.repository';
import { actionNames } from './protection-request';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What care sees of an enrollment: statuses and masked numbers, never the code or a ciphertext. */
export interface EnrollmentView {
  enrollmentId: string;
  incidentId: string;
  personId: string;
  status: string;
  statusReason: string | null;
  tier: string;
  actions: string[];
  createdAt: string;
  enrollBy: string;
  monitoringMonths: number;
  monitoringEndsAt: string;
  activatedAt: string | null;
  optedOutAt: string | null;
  expiredAt: string | null;
  /** Set when a later revision narrowed the exposure; protection was kept. */
  narrowedInRevision: number | null;
  lockedUntil: string | null;
  subscriptions: { subscriberId: string; msisdnMasked: string; stillHeld: boolean }[];
  commands: {
    commandId: string;
    subscriberId: string;
    msisdnMasked: string;
    revision: number;
    actions: string[];
    status: string;
    attempt: number;
    acknowledgedAt: string | null;
  }[];
  partner: {
    operation: string;
    status: string;
    attempts: number;
    partnerRef: string | null;
    lastError: string | null;
  }[];
}

/**
 * An enrollment's life after creation: care's view of it, opting out (monitoring stops; locks stay
 * until the subscriber re-verifies at a franchise) and expiry (enroll-by passed, or the monitoring
 * window over), each announced on the notification log.
 */
@Injectable()
export class EnrollmentLifecycleService {
  constructor(
    private readonly enrollments: EnrollmentRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async view(id: string): Promise<EnrollmentView> {
    const enrollment = UUID.test(id) ? await this.enrollments.findEnrollment(id) : null;
    if (!enrollment) throw new DomainException(EnrollmentApiErrorCode.EnrollmentNotFound, `enrollment ${id} not found`);
    const [subscriptions, commands, partnerTasks] = await Promise.all([
      this.enrollments.listSubscriptions(id),
      this.enrollments.listCommands(id),
      this.enrollments.listPartnerTasks(id),
    ]);
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    return {
      enrollmentId: enrollment.id,
      incidentId: enrollment.incidentId,
      personId: enrollment.personId,
      status: enrollment.status,
      statusReason: enrollment.statusReason,
      tier: RiskTier[enrollment.tier] ?? String(enrollment.tier),
      actions: actionNames(enrollment.actions).split(','),
      createdAt: enrollment.createdAt.toISOString(),
      enrollBy: enrollment.enrollBy.toISOString(),
      monitoringMonths: enrollment.monitoringMonths,
      monitoringEndsAt: enrollment.monitoringEndsAt.toISOString(),
      activatedAt: iso(enrollment.activatedAt),
      optedOutAt: iso(enrollment.optedOutAt),
      expiredAt: iso(enrollment.expiredAt),
      narrowedInRevision: enrollment.retractedRevision,
      lockedUntil:
        enrollment.lockedUntil && enrollment.lockedUntil > new Date() ? enrollment.lockedUntil.toISOString() : null,
      subscriptions: subscriptions.map((subscription) => ({
        subscriberId: subscription.subscriberId,
        msisdnMasked: subscription.msisdnMasked,
        stillHeld: subscription.stillHeld,
      })),
      commands: commands.map((command) => ({
        commandId: command.commandId,
        subscriberId: command.subscriberId,
        msisdnMasked: command.msisdnMasked,
        revision: command.exposureRevision,
        actions: actionNames(command.actions).split(','),
        status: command.status,
        attempt: command.attempt,
        acknowledgedAt: iso(command.acknowledgedAt),
      })),
      partner: partnerTasks.map((task) => ({
        operation: task.operation,
        status: task.status,
        attempts: task.attempts,
        partnerRef: task.partnerRef,
        lastError: task.lastError,
      })),
    };
  }

  /** Opting out twice is the same as once. */
  async optOut(id: string): Promise<EnrollmentView> {
    if (!UUID.test(id))
      throw new DomainException(EnrollmentApiErrorCode.EnrollmentNotFound, `enrollment ${id} not found`);
    await this.enrollments.inTransaction(async (tx) => {
      const enrollment = await tx.lockById(id);
      if (!enrollment)
        throw new DomainException(EnrollmentApiErrorCode.EnrollmentNotFound, `enrollment ${id} not found`);
      if (enrollment.status === 'OPTED_OUT') return;
      if (enrollment.status === 'EXPIRED')
        throw new DomainException(EnrollmentApiErrorCode.NotActivatable, 'the enrollment has expired');
      await tx.optOut(id, new Date());
      await tx.queuePartnerCancellations([id]);
      await tx.appendOutbox([
        logEntryMessage({
          incidentId: enrollment.incidentId,
          revision: enrollment.lastRevision,
          personId: enrollment.personId,
          subjectId: id,
          kind: LogEntryKind.ENROLLMENT_CHANGED,
          status: 'opted_out',
          detail: 'monitoring stopped; locks stay until biometric re-verification',
        }),
      ]);
    });
    this.logger.info({ enrollmentId: id }, 'enrollment opted out');
    return this.view(id);
  }

  /** Expires one batch of due enrollments; returns how many. */
  async expireDue(limit = 1000): Promise<number> {
    const expired = await this.enrollments.inTransaction(async (tx) => {
      const due = await tx.expireDue(limit);
      await tx.queuePartnerCancellations(
        due.filter((enrollment) => enrollment.reason === 'enroll_by_passed').map((enrollment) => enrollment.id),
      );
      await tx.appendOutbox(
        due.map((enrollment) =>
          logEntryMessage({
            incidentId: enrollment.incidentId,
            revision: enrollment.lastRevision,
            personId: enrollment.personId,
            subjectId: enrollment.id,
            kind: LogEntryKind.ENROLLMENT_CHANGED,
            status: 'expired',
            detail: enrollment.reason,
          }),
        ),
      );
      return due.length;
    });
    if (expired > 0) this.logger.info({ expired }, 'enrollments expired');
    return expired;
  }
}
