import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { FRAUD_OUTBOX } from '../enrollment/enrollment.repository';
import type { EnrollmentStatus } from '../enrollment/enrollment.entity';
import { incidentPausedSql } from '../incident-control/incident-paused.sql';
import { queryRows } from '../sql';
import type { PartnerOperation, PartnerTaskStatus } from './partner-task.entity';

export interface ClaimedTask {
  id: string;
  enrollmentId: string;
  operation: PartnerOperation;
  /** Including this one. */
  attempts: number;
}

export interface EnrollmentForPartner {
  incidentId: string;
  personId: string;
  lastRevision: number;
  status: EnrollmentStatus;
  createdAt: Date;
  monitoringEndsAt: Date;
  heldNumbers: { subscriberId: string; msisdnCiphertext: Buffer }[];
}

@Injectable()
export class PartnerRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Claims due tasks and leases them for `leaseMs`: a worker that dies mid-call leaves its task due
   * again after the lease. A cancellation waits until the enrollment it undoes is settled. An enrollment
   * waits while its incident is paused, staying due for the first round after resume; a cancellation
   * does not wait (ADR 0007, "Pause and resume").
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedTask[]> {
    const rows = await queryRows<{ id: string; enrollment_id: string; operation: PartnerOperation; attempts: number }>(
      this.dataSource.manager,
      `WITH due AS (
         SELECT t."id" FROM "fraud"."partner_tasks" t
         WHERE t."status" = 'PENDING' AND t."next_attempt_at" <= now()
           AND NOT (t."operation" = 'CANCEL' AND EXISTS (
             SELECT 1 FROM "fraud"."partner_tasks" e
             WHERE e."enrollment_id" = t."enrollment_id" AND e."operation" = 'ENROLL' AND e."status" = 'PENDING'))
           AND NOT (t."operation" = 'ENROLL' AND EXISTS (
             SELECT 1 FROM "fraud"."enrollments" en
             WHERE en."id" = t."enrollment_id" AND ${incidentPausedSql('en."incident_id"')}))
         ORDER BY t."next_attempt_at" LIMIT $1 FOR UPDATE OF t SKIP LOCKED)
       UPDATE "fraud"."partner_tasks" t SET "attempts" = t."attempts" + 1,
         "next_attempt_at" = now() + $2::bigint * interval '1 millisecond'
       FROM due WHERE t."id" = due."id"
       RETURNING t."id", t."enrollment_id", t."operation", t."attempts"`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      enrollmentId: row.enrollment_id,
      operation: row.operation,
      attempts: row.attempts,
    }));
  }

  async loadEnrollment(enrollmentId: string): Promise<EnrollmentForPartner | null> {
    const [enrollment] = await queryRows<{
      incident_id: string;
      person_id: string;
      last_revision: number;
      status: EnrollmentStatus;
      created_at: Date;
      monitoring_ends_at: Date;
    }>(
      this.dataSource.manager,
      `SELECT "incident_id", "person_id", "last_revision", "status", "created_at", "monitoring_ends_at"
       FROM "fraud"."enrollments" WHERE "id" = $1`,
      [enrollmentId],
    );
    if (!enrollment) return null;
    const numbers = await queryRows<{ subscriber_id: string; msisdn_ciphertext: Buffer }>(
      this.dataSource.manager,
      `SELECT "subscriber_id", "msisdn_ciphertext" FROM "fraud"."enrollment_subscriptions"
       WHERE "enrollment_id" = $1 AND "still_held" AND "msisdn_ciphertext" IS NOT NULL ORDER BY "subscriber_id"`,
      [enrollmentId],
    );
    return {
      incidentId: enrollment.incident_id,
      personId: enrollment.person_id,
      lastRevision: enrollment.last_revision,
      status: enrollment.status,
      createdAt: enrollment.created_at,
      monitoringEndsAt: enrollment.monitoring_ends_at,
      heldNumbers: numbers.map((row) => ({ subscriberId: row.subscriber_id, msisdnCiphertext: row.msisdn_ciphertext })),
    };
  }

  async partnerRefOf(enrollmentId: string, operation: PartnerOperation): Promise<string | null> {
    const [row] = await queryRows<{ partner_ref: string | null }>(
      this.dataSource.manager,
      `SELECT "partner_ref" FROM "fraud"."partner_tasks" WHERE "enrollment_id" = $1 AND "operation" = $2`,
      [enrollmentId, operation],
    );
    return row?.partner_ref ?? null;
  }

  /** Ends a task (done, skipped or failed for good) together with its notification log entry. */
  async finish(
    taskId: string,
    status: Exclude<PartnerTaskStatus, 'PENDING'>,
    partnerRef: string | null,
    error: string | null,
    log: OutboxMessage[],
  ) {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE "fraud"."partner_tasks" SET "status" = $2, "partner_ref" = COALESCE($3, "partner_ref"), "last_error" = $4,
           "completed_at" = now() WHERE "id" = $1`,
        [taskId, status, partnerRef, error],
      );
      await this.outbox.append(manager, log);
    });
  }

  async reschedule(taskId: string, delayMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "fraud"."partner_tasks" SET "next_attempt_at" = now() + $2::bigint * interval '1 millisecond', "last_error" = $3
       WHERE "id" = $1`,
      [taskId, delayMs, error],
    );
  }
}
