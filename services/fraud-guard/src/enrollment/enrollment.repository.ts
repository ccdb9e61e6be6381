import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { PartnerTaskEntity, type PartnerOperation } from '../partner/partner-task.entity';
import { ProtectionCommandEntity, type CommandStatus } from '../protection/protection-command.entity';
import { ActivationCodeEntity } from '../activation/activation-code.entity';
import { incidentPausedSql } from '../incident-control/incident-paused.sql';
import { queryRows } from '../sql';
import { DryRunAssessmentEntity } from './dry-run-assessment.entity';
import { EnrollmentSubscriptionEntity } from './enrollment-subscription.entity';
import { EnrollmentEntity } from './enrollment.entity';
import type { SubscriptionState } from './protection-request';

export const FRAUD_OUTBOX = Symbol('FRAUD_OUTBOX');

export type NewEnrollment = Omit<
  EnrollmentEntity,
  | 'activatedAt'
  | 'optedOutAt'
  | 'expiredAt'
  | 'retractedRevision'
  | 'failedAttempts'
  | 'lockedUntil'
  | 'statusReason'
  | 'createdAt'
  | 'updatedAt'
>;

export type NewCommand = Omit<ProtectionCommandEntity, 'status' | 'acknowledgedAt' | 'ackDetail'> & {
  status: Extract<CommandStatus, 'SENT' | 'HELD'>;
};

/** Unit of work for one person's protection: everything inside commits together, outbox included. */
export class EnrollmentTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Serialises work on one person's enrollment across consumers and instances until the transaction ends. */
  async lockPerson(incidentId: string, personId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`enrollment:${incidentId}:${personId}`]);
  }

  findEnrollment(incidentId: string, personId: string): Promise<EnrollmentEntity | null> {
    return this.manager.findOne(EnrollmentEntity, { where: { incidentId, personId } });
  }

  async insertEnrollment(enrollment: NewEnrollment): Promise<void> {
    await this.manager.query(
      `INSERT INTO "fraud"."enrollments" ("id", "incident_id", "person_id", "exposure_id", "exposure_idempotency_key",
         "created_revision", "last_revision", "tier", "policy_version", "policy_rule", "actions", "status",
         "monitoring_months", "monitoring_ends_at", "enroll_by", "language")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        enrollment.id,
        enrollment.incidentId,
        enrollment.personId,
        enrollment.exposureId,
        enrollment.exposureIdempotencyKey,
        enrollment.createdRevision,
        enrollment.lastRevision,
        enrollment.tier,
        enrollment.policyVersion,
        enrollment.policyRule,
        enrollment.actions,
        enrollment.status,
        enrollment.monitoringMonths,
        enrollment.monitoringEndsAt,
        enrollment.enrollBy,
        enrollment.language,
      ],
    );
  }

  /** False when the hash is already taken: a code clash (the exposure's own duplicate is ruled out before). */
  async insertActivationCode(code: Omit<ActivationCodeEntity, 'createdAt'>): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `INSERT INTO "fraud"."activation_codes" ("code_hash", "enrollment_id", "exposure_idempotency_key", "revision")
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING "code_hash"`,
      [code.codeHash, code.enrollmentId, code.exposureIdempotencyKey, code.revision],
    );
    return rows.length === 1;
  }

  /** How many of the person's numbers have protection commands. */
  async protectedSubscriptionCount(enrollmentId: string): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      this.manager,
      `SELECT count(DISTINCT "subscriber_id")::int AS n FROM "fraud"."protection_commands" WHERE "enrollment_id" = $1`,
      [enrollmentId],
    );
    return row?.n ?? 0;
  }

  async updateScope(
    id: string,
    changes: { actions: number[]; tier: number; lastRevision: number; retractedRevision?: number; language?: string },
  ): Promise<void> {
    await this.manager.query(
      `UPDATE "fraud"."enrollments" SET "actions" = $2, "tier" = $3, "last_revision" = $4,
         "retracted_revision" = COALESCE($5, "retracted_revision"), "language" = COALESCE($6, "language"), "updated_at" = now()
       WHERE "id" = $1`,
      [
        id,
        changes.actions,
        changes.tier,
        changes.lastRevision,
        changes.retractedRevision ?? null,
        changes.language ?? null,
      ],
    );
  }

  /** Records the person's numbers as this revision describes them (a recycled number loses its ciphertext). */
  async saveSubscriptions(enrollmentId: string, revision: number, subscriptions: SubscriptionState[]): Promise<void> {
    if (subscriptions.length === 0) return;
    await this.manager.query(
      `INSERT INTO "fraud"."enrollment_subscriptions" ("enrollment_id", "subscriber_id", "still_held", "line_type",
         "msisdn_ciphertext", "msisdn_masked", "msisdn_blind_index", "updated_revision")
       SELECT $1::uuid, s.*, $8::int FROM unnest($2::text[], $3::boolean[], $4::int[], $5::bytea[], $6::text[], $7::text[]) AS s
       ON CONFLICT ("enrollment_id", "subscriber_id") DO UPDATE SET "still_held" = EXCLUDED."still_held",
         "line_type" = EXCLUDED."line_type", "msisdn_ciphertext" = EXCLUDED."msisdn_ciphertext",
         "msisdn_masked" = EXCLUDED."msisdn_masked", "msisdn_blind_index" = EXCLUDED."msisdn_blind_index",
         "updated_revision" = EXCLUDED."updated_revision"`,
      [
        enrollmentId,
        subscriptions.map((subscription) => subscription.subscriberId),
        subscriptions.map((subscription) => subscription.stillHeld),
        subscriptions.map((subscription) => subscription.lineType),
        subscriptions.map((subscription) => subscription.msisdnCiphertext),
        subscriptions.map((subscription) => subscription.msisdnMasked),
        subscriptions.map((subscription) => subscription.msisdnBlindIndex),
        revision,
      ],
    );
  }

  /** The operator actions already commanded per subscriber: a later revision commands only what is new. */
  async commandedActions(enrollmentId: string): Promise<Map<string, Set<number>>> {
    const rows = await queryRows<{ subscriber_id: string; actions: number[] }>(
      this.manager,
      `SELECT "subscriber_id", array_agg(DISTINCT action) AS "actions"
       FROM "fraud"."protection_commands", unnest("actions") AS action
       WHERE "enrollment_id" = $1 GROUP BY "subscriber_id"`,
      [enrollmentId],
    );
    return new Map(rows.map((row) => [row.subscriber_id, new Set(row.actions)]));
  }

  /**
   * Whether this incident's new commands must be held rather than sent: it is paused, or commands held
   * by a pause are still waiting for release (new ones queue behind them, so no number's commands
   * overtake each other).
   */
  async mustHoldCommands(incidentId: string): Promise<boolean> {
    const [row] = await queryRows<{ hold: boolean }>(
      this.manager,
      `SELECT ${incidentPausedSql('$1')} OR EXISTS (
         SELECT 1 FROM "fraud"."protection_commands" WHERE "incident_id" = $1 AND "status" = 'HELD') AS "hold"`,
      [incidentId],
    );
    return row?.hold === true;
  }

  /** Inserts the commands and returns those that were new; the unique constraint is the last word on "already sent". */
  async insertCommands(commands: NewCommand[]): Promise<NewCommand[]> {
    if (commands.length === 0) return [];
    const inserted = await queryRows<{ command_id: string }>(
      this.manager,
      `INSERT INTO "fraud"."protection_commands" ("command_id", "enrollment_id", "incident_id", "person_id", "subscriber_id",
         "exposure_revision", "actions", "msisdn_ciphertext", "msisdn_masked", "status", "attempt", "issued_at",
         "last_sent_at", "next_send_at")
       SELECT c.command_id, c.enrollment_id, c.incident_id, c.person_id, c.subscriber_id, c.exposure_revision,
         string_to_array(c.actions, ',')::int[], c.msisdn_ciphertext, c.msisdn_masked, c.status, c.attempt, c.issued_at,
         c.last_sent_at, c.next_send_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bytea[],
         $9::text[], $10::int[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::text[])
         AS c(command_id, enrollment_id, incident_id, person_id, subscriber_id, exposure_revision, actions,
           msisdn_ciphertext, msisdn_masked, attempt, issued_at, last_sent_at, next_send_at, status)
       ON CONFLICT DO NOTHING RETURNING "command_id"`,
      [
        commands.map((command) => command.commandId),
        commands.map((command) => command.enrollmentId),
        commands.map((command) => command.incidentId),
        commands.map((command) => command.personId),
        commands.map((command) => command.subscriberId),
        commands.map((command) => command.exposureRevision),
        // unnest cannot take a two-dimensional array of varying lengths; each row's actions travel as text.
        commands.map((command) => command.actions.join(',')),
        commands.map((command) => command.msisdnCiphertext),
        commands.map((command) => command.msisdnMasked),
        commands.map((command) => command.attempt),
        commands.map((command) => command.issuedAt),
        commands.map((command) => command.lastSentAt),
        commands.map((command) => command.nextSendAt),
        commands.map((command) => command.status),
      ],
    );
    const ids = new Set(inserted.map((row) => row.command_id));
    return commands.filter((command) => ids.has(command.commandId));
  }

  async queuePartnerTask(enrollmentId: string, operation: PartnerOperation, id: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO "fraud"."partner_tasks" ("id", "enrollment_id", "operation", "status", "next_attempt_at")
       VALUES ($1, $2, $3, 'PENDING', now()) ON CONFLICT DO NOTHING`,
      [id, enrollmentId, operation],
    );
  }

  async lockById(id: string): Promise<EnrollmentEntity | null> {
    return this.manager
      .getRepository(EnrollmentEntity)
      .createQueryBuilder('enrollment')
      .setLock('pessimistic_write')
      .where('enrollment.id = :id', { id })
      .getOne();
  }

  async optOut(id: string, at: Date): Promise<void> {
    await this.manager.query(
      `UPDATE "fraud"."enrollments" SET "status" = 'OPTED_OUT', "status_reason" = 'opted_out', "opted_out_at" = $2,
         "updated_at" = now() WHERE "id" = $1`,
      [id, at],
    );
  }

  /** Moves due enrollments to EXPIRED (enroll-by passed unactivated, or monitoring window over). */
  async expireDue(limit: number): Promise<ExpiredEnrollment[]> {
    const rows = await queryRows<{
      id: string;
      incident_id: string;
      person_id: string;
      last_revision: number;
      status_reason: string;
    }>(
      this.manager,
      `WITH due AS (
         SELECT "id" FROM "fraud"."enrollments"
         WHERE ("status" = 'PENDING_ACTIVATION' AND "enroll_by" <= now()) OR ("status" = 'ACTIVE' AND "monitoring_ends_at" <= now())
         LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE "fraud"."enrollments" e SET "status" = 'EXPIRED', "expired_at" = now(), "updated_at" = now(),
         "status_reason" = CASE WHEN e."status" = 'ACTIVE' THEN 'monitoring_ended' ELSE 'enroll_by_passed' END
       FROM due WHERE e."id" = due."id"
       RETURNING e."id", e."incident_id", e."person_id", e."last_revision", e."status_reason"`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      incidentId: row.incident_id,
      personId: row.person_id,
      lastRevision: row.last_revision,
      reason: row.status_reason,
    }));
  }

  /** Queues the partner cancellation of enrollments that were (or may have been) sent to the partner. */
  async queuePartnerCancellations(enrollmentIds: string[]): Promise<void> {
    if (enrollmentIds.length === 0) return;
    await this.manager.query(
      `INSERT INTO "fraud"."partner_tasks" ("id", "enrollment_id", "operation", "status", "next_attempt_at")
       SELECT gen_random_uuid(), t."enrollment_id", 'CANCEL', 'PENDING', now() FROM "fraud"."partner_tasks" t
       WHERE t."enrollment_id" = ANY($1::uuid[]) AND t."operation" = 'ENROLL' AND t."status" <> 'SKIPPED'
       ON CONFLICT DO NOTHING`,
      [enrollmentIds],
    );
  }

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.outbox.append(this.manager, messages);
  }
}

export interface ExpiredEnrollment {
  id: string;
  incidentId: string;
  personId: string;
  lastRevision: number;
  reason: string;
}

@Injectable()
export class EnrollmentRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: EnrollmentTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new EnrollmentTransaction(manager, this.outbox)));
  }

  /** False when this dry-run exposure was already recorded. */
  async recordDryRun(assessment: Omit<DryRunAssessmentEntity, 'recordedAt'>): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource.manager,
      `INSERT INTO "fraud"."dry_run_assessments" ("exposure_idempotency_key", "incident_id", "person_id", "revision", "tier",
         "actions", "would_protect_subscriptions") VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING "exposure_idempotency_key"`,
      [
        assessment.exposureIdempotencyKey,
        assessment.incidentId,
        assessment.personId,
        assessment.revision,
        assessment.tier,
        assessment.actions,
        assessment.wouldProtectSubscriptions,
      ],
    );
    return rows.length === 1;
  }

  findEnrollment(id: string): Promise<EnrollmentEntity | null> {
    return this.dataSource.getRepository(EnrollmentEntity).findOne({ where: { id } });
  }

  listSubscriptions(enrollmentId: string): Promise<EnrollmentSubscriptionEntity[]> {
    return this.dataSource
      .getRepository(EnrollmentSubscriptionEntity)
      .find({ where: { enrollmentId }, order: { subscriberId: 'ASC' } });
  }

  listPartnerTasks(enrollmentId: string): Promise<PartnerTaskEntity[]> {
    return this.dataSource
      .getRepository(PartnerTaskEntity)
      .find({ where: { enrollmentId }, order: { createdAt: 'ASC' } });
  }

  listCommands(enrollmentId: string): Promise<ProtectionCommandEntity[]> {
    return this.dataSource
      .getRepository(ProtectionCommandEntity)
      .find({ where: { enrollmentId }, order: { exposureRevision: 'ASC', subscriberId: 'ASC' } });
  }
}
