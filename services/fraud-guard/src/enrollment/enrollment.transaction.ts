import { In, type EntityManager } from 'typeorm';
import type { OutboxMessage, OutboxWriter } from '@bnp/messaging';
import { ProtectionCommandEntity, type CommandStatus } from '../protection/protection-command.entity';
import { ActivationCodeEntity } from '../activation/activation-code.entity';
import { incidentPausedSql } from '../incident-control/incident-paused.sql';
import { queryRows } from '../sql';
import { EnrollmentEntity } from './enrollment.entity';
import type { SubscriptionState } from './protection-request';

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

/** A person's numbers as one revision describes them, for the enrollment they belong to. */
export interface SubscriptionRow extends SubscriptionState {
  enrollmentId: string;
  revision: number;
}

export interface ScopeChange {
  id: string;
  actions: number[];
  tier: number;
  lastRevision: number;
  retractedRevision: number | null;
  /** Empty keeps the language on record. */
  language: string;
}

/**
 * Unit of work for the protection of a batch of people (each at most once): everything inside
 * commits together, outbox included. Every statement takes the whole batch, so a batch of 500 people
 * costs about a dozen round trips, not 500 transactions.
 */
export class EnrollmentTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Serialises work on each person's enrollment across consumers and instances until the transaction
   * ends. Locks are taken in hash order, so two batches that share people wait instead of deadlocking.
   */
  async lockPeople(people: readonly { incidentId: string; personId: string }[]): Promise<void> {
    if (people.length === 0) return;
    await this.manager.query(
      `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY 1) s`,
      [people.map(({ incidentId, personId }) => `enrollment:${incidentId}:${personId}`)],
    );
  }

  /** The enrollments these people already have, by `incidentId:personId`. */
  async findEnrollments(
    people: readonly { incidentId: string; personId: string }[],
  ): Promise<Map<string, EnrollmentEntity>> {
    if (people.length === 0) return new Map();
    const found = await this.manager.find(EnrollmentEntity, {
      where: {
        incidentId: In([...new Set(people.map((person) => person.incidentId))]),
        personId: In([...new Set(people.map((person) => person.personId))]),
      },
    });
    return new Map(found.map((enrollment) => [personKey(enrollment), enrollment]));
  }

  async insertEnrollments(enrollments: readonly NewEnrollment[]): Promise<void> {
    if (enrollments.length === 0) return;
    await this.manager.query(
      `INSERT INTO "fraud"."enrollments" ("id", "incident_id", "person_id", "exposure_id", "exposure_idempotency_key",
         "created_revision", "last_revision", "tier", "policy_version", "policy_rule", "actions", "status",
         "monitoring_months", "monitoring_ends_at", "enroll_by", "language")
       SELECT e.id, e.incident_id, e.person_id, e.exposure_id, e.exposure_idempotency_key, e.created_revision,
         e.last_revision, e.tier, e.policy_version, e.policy_rule, string_to_array(e.actions, ',')::int[], e.status,
         e.monitoring_months, e.monitoring_ends_at, e.enroll_by, e.language
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::timestamptz[], $15::timestamptz[], $16::text[])
         AS e(id, incident_id, person_id, exposure_id, exposure_idempotency_key, created_revision, last_revision, tier,
           policy_version, policy_rule, actions, status, monitoring_months, monitoring_ends_at, enroll_by, language)`,
      [
        enrollments.map((enrollment) => enrollment.id),
        enrollments.map((enrollment) => enrollment.incidentId),
        enrollments.map((enrollment) => enrollment.personId),
        enrollments.map((enrollment) => enrollment.exposureId),
        enrollments.map((enrollment) => enrollment.exposureIdempotencyKey),
        enrollments.map((enrollment) => enrollment.createdRevision),
        enrollments.map((enrollment) => enrollment.lastRevision),
        enrollments.map((enrollment) => enrollment.tier),
        enrollments.map((enrollment) => enrollment.policyVersion),
        enrollments.map((enrollment) => enrollment.policyRule),
        // unnest cannot take a two-dimensional array of varying lengths; each row's actions travel as text.
        enrollments.map((enrollment) => enrollment.actions.join(',')),
        enrollments.map((enrollment) => enrollment.status),
        enrollments.map((enrollment) => enrollment.monitoringMonths),
        enrollments.map((enrollment) => enrollment.monitoringEndsAt),
        enrollments.map((enrollment) => enrollment.enrollBy),
        enrollments.map((enrollment) => enrollment.language),
      ],
    );
  }

  /**
   * Inserts the codes' hashes and returns those that were new. A hash already taken is a code clash
   * (an exposure's own duplicate is ruled out before): its code is minted again.
   */
  async insertActivationCodes(codes: readonly Omit<ActivationCodeEntity, 'createdAt'>[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await queryRows<{ code_hash: string }>(
      this.manager,
      `INSERT INTO "fraud"."activation_codes" ("code_hash", "enrollment_id", "exposure_idempotency_key", "revision")
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[]) ON CONFLICT DO NOTHING RETURNING "code_hash"`,
      [
        codes.map((code) => code.codeHash),
        codes.map((code) => code.enrollmentId),
        codes.map((code) => code.exposureIdempotencyKey),
        codes.map((code) => code.revision),
      ],
    );
    return new Set(rows.map((row) => row.code_hash));
  }

  /** How many of each person's numbers have protection commands, by enrollment id. */
  async protectedSubscriptionCounts(enrollmentIds: readonly string[]): Promise<Map<string, number>> {
    if (enrollmentIds.length === 0) return new Map();
    const rows = await queryRows<{ enrollment_id: string; n: number }>(
      this.manager,
      `SELECT "enrollment_id", count(DISTINCT "subscriber_id")::int AS n FROM "fraud"."protection_commands"
       WHERE "enrollment_id" = ANY($1::uuid[]) GROUP BY "enrollment_id"`,
      [enrollmentIds],
    );
    return new Map(rows.map((row) => [row.enrollment_id, row.n]));
  }

  async updateScopes(changes: readonly ScopeChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.manager.query(
      `UPDATE "fraud"."enrollments" e SET "actions" = string_to_array(c.actions, ',')::int[], "tier" = c.tier,
         "last_revision" = c.last_revision, "retracted_revision" = COALESCE(c.retracted_revision, e."retracted_revision"),
         "language" = COALESCE(NULLIF(c.language, ''), e."language"), "updated_at" = now()
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::int[], $6::text[])
         AS c(id, actions, tier, last_revision, retracted_revision, language)
       WHERE e."id" = c.id`,
      [
        changes.map((change) => change.id),
        changes.map((change) => change.actions.join(',')),
        changes.map((change) => change.tier),
        changes.map((change) => change.lastRevision),
        changes.map((change) => change.retractedRevision),
        changes.map((change) => change.language),
      ],
    );
  }

  /** Records the people's numbers as their revisions describe them (a recycled number loses its ciphertext). */
  async saveSubscriptions(rows: readonly SubscriptionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.manager.query(
      `INSERT INTO "fraud"."enrollment_subscriptions" ("enrollment_id", "subscriber_id", "still_held", "line_type",
         "msisdn_ciphertext", "msisdn_masked", "msisdn_blind_index", "updated_revision")
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::int[], $5::bytea[], $6::text[], $7::text[], $8::int[])
       ON CONFLICT ("enrollment_id", "subscriber_id") DO UPDATE SET "still_held" = EXCLUDED."still_held",
         "line_type" = EXCLUDED."line_type", "msisdn_ciphertext" = EXCLUDED."msisdn_ciphertext",
         "msisdn_masked" = EXCLUDED."msisdn_masked", "msisdn_blind_index" = EXCLUDED."msisdn_blind_index",
         "updated_revision" = EXCLUDED."updated_revision"`,
      [
        rows.map((row) => row.enrollmentId),
        rows.map((row) => row.subscriberId),
        rows.map((row) => row.stillHeld),
        rows.map((row) => row.lineType),
        rows.map((row) => row.msisdnCiphertext),
        rows.map((row) => row.msisdnMasked),
        rows.map((row) => row.msisdnBlindIndex),
        rows.map((row) => row.revision),
      ],
    );
  }

  /**
   * The operator actions already commanded, per enrollment and subscriber: a later revision commands
   * only what is new.
   */
  async commandedActions(enrollmentIds: readonly string[]): Promise<Map<string, Map<string, Set<number>>>> {
    const commanded = new Map<string, Map<string, Set<number>>>();
    if (enrollmentIds.length === 0) return commanded;
    const rows = await queryRows<{ enrollment_id: string; subscriber_id: string; actions: number[] }>(
      this.manager,
      `SELECT "enrollment_id", "subscriber_id", array_agg(DISTINCT action) AS "actions"
       FROM "fraud"."protection_commands", unnest("actions") AS action
       WHERE "enrollment_id" = ANY($1::uuid[]) GROUP BY "enrollment_id", "subscriber_id"`,
      [enrollmentIds],
    );
    for (const row of rows) {
      const bySubscriber = commanded.get(row.enrollment_id) ?? new Map<string, Set<number>>();
      bySubscriber.set(row.subscriber_id, new Set(row.actions));
      commanded.set(row.enrollment_id, bySubscriber);
    }
    return commanded;
  }

  /**
   * The incidents whose new commands must be held rather than sent: paused, or with commands held by a
   * pause still waiting for release (new ones queue behind them, so no number's commands overtake each other).
   */
  async holdingIncidents(incidentIds: readonly string[]): Promise<Set<string>> {
    if (incidentIds.length === 0) return new Set();
    const rows = await queryRows<{ incident_id: string }>(
      this.manager,
      `SELECT i."incident_id" FROM unnest($1::text[]) AS i("incident_id")
       WHERE ${incidentPausedSql('i."incident_id"')} OR EXISTS (
         SELECT 1 FROM "fraud"."protection_commands" c WHERE c."incident_id" = i."incident_id" AND c."status" = 'HELD')`,
      [[...new Set(incidentIds)]],
    );
    return new Set(rows.map((row) => row.incident_id));
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

  /** Queues each enrollment's partner enrollment; one per enrollment, however often this is asked. */
  async queuePartnerEnrollments(enrollmentIds: readonly string[]): Promise<void> {
    if (enrollmentIds.length === 0) return;
    await this.manager.query(
      `INSERT INTO "fraud"."partner_tasks" ("id", "enrollment_id", "operation", "status", "next_attempt_at")
       SELECT gen_random_uuid(), id, 'ENROLL', 'PENDING', now() FROM unnest($1::uuid[]) AS id ON CONFLICT DO NOTHING`,
      [enrollmentIds],
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

/** How a batch tells its people apart: one enrollment per person and incident. */
export function personKey(person: { incidentId: string; personId: string }): string {
  return `${person.incidentId}:${person.personId}`;
}
