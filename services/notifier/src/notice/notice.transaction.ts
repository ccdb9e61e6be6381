import type { EntityManager } from 'typeorm';
import type { OutboxMessage, OutboxWriter } from '@bnp/messaging';
import { insertDeliveries, lockPerson, personLockKey, type NewDelivery } from '../shared/delivery-rows';
import { settleNotice } from '../shared/notice-settlement';
import type { ActivationChallengeEntity } from './activation-challenge.entity';
import { EnrollmentEntity } from './enrollment.entity';
import { NoticeEntity } from './notice.entity';
import { INSERT_NOTICES, noticesJson } from './notice-rows';

export type NoticeBrief = Pick<NoticeEntity, 'noticeId' | 'idempotencyKey' | 'kind' | 'revision'>;
export type AttachedNotice = Pick<
  NoticeEntity,
  'noticeId' | 'idempotencyKey' | 'incidentId' | 'personId' | 'revision' | 'enrollmentId'
>;

export interface CancelledDelivery {
  delivery_id: string;
  notice_id: string;
  channel: 'sms' | 'email';
  recipient_masked: string;
  revision: number;
}

export interface DeliveryToCopy {
  delivery_id: string;
  channel: 'sms' | 'email';
  recipient_key: string;
  recipient_ciphertext: Buffer;
  recipient_masked: string;
  subscriber_id: string | null;
}

/** Unit of work on one person's notices: everything inside commits together, outbox included. */
export class NoticeTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  lockPerson(incidentId: string, personId: string): Promise<void> {
    return lockPerson(this.manager, incidentId, personId);
  }

  /** lockPerson for many people at once, in a fixed order so two instances cannot deadlock. */
  async lockPeople(people: [incidentId: string, personId: string][]): Promise<void> {
    const keys = [...new Set(people.map(([incidentId, personId]) => personLockKey(incidentId, personId)))].sort();
    await this.manager.query(
      `SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n`,
      [keys],
    );
  }

  /** The notices of each (incident, person), keyed "incident\0person". */
  async listNoticesOf(people: [incidentId: string, personId: string][]): Promise<Map<string, NoticeBrief[]>> {
    const rows = await this.manager.query<(NoticeBrief & { incidentId: string; personId: string })[]>(
      `SELECT n."notice_id" AS "noticeId", n."idempotency_key" AS "idempotencyKey", n."kind", n."revision",
         n."incident_id" AS "incidentId", n."person_id" AS "personId"
       FROM "notify"."notices" n
       JOIN unnest($1::text[], $2::text[]) AS p(incident_id, person_id) ON n."incident_id" = p.incident_id AND n."person_id" = p.person_id
       WHERE n."kind" <> 'activation'
       ORDER BY n."revision"`,
      [people.map(([incidentId]) => incidentId), people.map(([, personId]) => personId)],
    );
    const byPerson = new Map<string, NoticeBrief[]>();
    for (const { incidentId, personId, ...notice } of rows) {
      const key = `${incidentId}\u0000${personId}`;
      byPerson.set(key, [...(byPerson.get(key) ?? []), notice]);
    }
    return byPerson;
  }

  /** Enrollment ids already received for these PersonExposed idempotency keys. */
  async enrollmentIdsFor(idempotencyKeys: string[]): Promise<Map<string, string>> {
    if (idempotencyKeys.length === 0) return new Map();
    const rows = await this.manager.query<{ exposure_idempotency_key: string; enrollment_id: string }[]>(
      `SELECT "exposure_idempotency_key", "enrollment_id" FROM "notify"."enrollments" WHERE "exposure_idempotency_key" = ANY($1::text[])`,
      [idempotencyKeys],
    );
    return new Map(rows.map((row) => [row.exposure_idempotency_key, row.enrollment_id]));
  }

  /** Inserts notices set-based, one statement for the whole batch. */
  async insertNotices(notices: NoticeEntity[]): Promise<void> {
    if (notices.length === 0) return;
    await this.manager.query(INSERT_NOTICES, [noticesJson(notices)]);
  }

  /** Inserts one notice unless its id or idempotency key is already taken; true when it was new. */
  async insertNoticeIfNew(notice: NoticeEntity): Promise<boolean> {
    const inserted = await this.manager.query<unknown[]>(`${INSERT_NOTICES} ON CONFLICT DO NOTHING RETURNING 1`, [
      noticesJson([notice]),
    ]);
    return inserted.length === 1;
  }

  async insertActivationChallenge(challenge: Omit<ActivationChallengeEntity, 'receivedAt' | 'notice'>): Promise<void> {
    await this.manager.query(
      `INSERT INTO "notify"."activation_challenges" ("challenge_id", "notice_id", "purpose", "enrollment_id", "otp_ciphertext", "expires_at")
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        challenge.challengeId,
        challenge.noticeId,
        challenge.purpose,
        challenge.enrollmentId,
        challenge.otpCiphertext,
        challenge.expiresAt,
      ],
    );
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<NoticeEntity | null> {
    return this.manager.findOne(NoticeEntity, { where: { idempotencyKey } });
  }

  /** Every notice of this person in this incident (notices and protection follow-ups), in brief. */
  listNotices(incidentId: string, personId: string): Promise<NoticeBrief[]> {
    return this.manager.query<NoticeBrief[]>(
      `SELECT "notice_id" AS "noticeId", "idempotency_key" AS "idempotencyKey", "kind", "revision"
       FROM "notify"."notices" WHERE "incident_id" = $1 AND "person_id" = $2 AND "kind" <> 'activation' ORDER BY "revision"`,
      [incidentId, personId],
    );
  }

  /** Whether any delivery of these notices was ever handed to a provider (or may have been). */
  /** Of these notices, the ones with a delivery that was attempted (something may have reached the person). */
  async attemptedNotices(noticeIds: string[]): Promise<Set<string>> {
    if (noticeIds.length === 0) return new Set();
    const rows = await this.manager.query<{ notice_id: string }[]>(
      `SELECT DISTINCT "notice_id" FROM "notify"."deliveries" WHERE "notice_id" = ANY($1::uuid[]) AND "attempts" > 0`,
      [noticeIds],
    );
    return new Set(rows.map((row) => row.notice_id));
  }

  /** Cancels deliveries of older notices that have not gone out: the newer notice says everything they would. */
  async cancelUnsent(noticeIds: string[]): Promise<CancelledDelivery[]> {
    if (noticeIds.length === 0) return [];
    const cancelled = await this.manager.query<[CancelledDelivery[], number]>(
      `UPDATE "notify"."deliveries" d SET "state" = 'cancelled', "final_at" = now(), "updated_at" = now(), "error_code" = 'SUPERSEDED'
       FROM "notify"."notices" n
       WHERE d."notice_id" = ANY($1::uuid[]) AND d."state" IN ('waiting', 'queued') AND n."notice_id" = d."notice_id"
       RETURNING d."delivery_id", d."notice_id", d."channel", d."recipient_masked", n."revision"`,
      [noticeIds],
    );
    await this.manager.query(
      `UPDATE "notify"."notices" n SET "state" = 'superseded', "outcome" = 'none', "settled_at" = now()
       WHERE n."notice_id" = ANY($1::uuid[]) AND n."outcome" = 'pending'
         AND NOT EXISTS (SELECT 1 FROM "notify"."deliveries" d WHERE d."notice_id" = n."notice_id" AND d."state" <> 'cancelled')`,
      [noticeIds],
    );
    return cancelled[0];
  }

  findEnrollmentFor(idempotencyKey: string): Promise<EnrollmentEntity | null> {
    return this.manager.findOne(EnrollmentEntity, { where: { exposureIdempotencyKey: idempotencyKey } });
  }

  async insertNotice(notice: Omit<NoticeEntity, 'receivedAt' | 'enrollmentTimedOut' | 'settledAt'>): Promise<void> {
    await this.manager.insert(NoticeEntity, notice);
  }

  insertDeliveries(rows: NewDelivery[]): Promise<string[]> {
    return insertDeliveries(this.manager, rows);
  }

  /**
   * Keeps the incident's "last notice" time fresh, at most once a second. The row is hot (every
   * notice of the incident passes here): the UPDATE only locks it when it is a second old.
   */
  async touchIncident(incidentId: string): Promise<void> {
    await this.manager.query(`INSERT INTO "notify"."incidents" ("incident_id") VALUES ($1) ON CONFLICT DO NOTHING`, [
      incidentId,
    ]);
    await this.manager.query(
      `UPDATE "notify"."incidents" SET "last_notice_at" = now() WHERE "incident_id" = $1 AND "last_notice_at" < now() - interval '1 second'`,
      [incidentId],
    );
  }

  /** Attaches an enrollment to the notice waiting for it; false when the notice is not (or no longer) waiting. */
  async releaseWaiting(noticeIds: string[]): Promise<number> {
    const [, count] = await this.manager.query<[unknown, number]>(
      `UPDATE "notify"."deliveries" SET "state" = 'queued', "not_before" = now(), "updated_at" = now()
       WHERE "notice_id" = ANY($1::uuid[]) AND "state" = 'waiting'`,
      [noticeIds],
    );
    return count;
  }

  /**
   * Notices still waiting for an enrollment that has in fact arrived: first notices are recorded
   * without a lock, so an enrollment committed meanwhile may have found no notice to attach to.
   */
  async attachArrivedEnrollments(limit: number): Promise<ExpiredWait[]> {
    const [attached] = await this.manager.query<[ExpiredWait[], number]>(
      `UPDATE "notify"."notices" n SET "state" = 'ready', "enrollment_id" = e."enrollment_id", "released_at" = now()
       FROM "notify"."enrollments" e
       WHERE e."exposure_idempotency_key" = n."idempotency_key" AND n."notice_id" IN (
         SELECT "notice_id" FROM "notify"."notices" WHERE "state" = 'awaiting_enrollment' ORDER BY "enrollment_deadline" LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING n."notice_id", n."incident_id", n."person_id", n."revision"`,
      [limit],
    );
    if (attached.length > 0) await this.releaseWaiting(attached.map((row) => row.notice_id));
    return attached;
  }

  async expireWaits(limit: number): Promise<ExpiredWait[]> {
    const [expired] = await this.manager.query<[ExpiredWait[], number]>(
      `UPDATE "notify"."notices" SET "state" = 'ready', "enrollment_timed_out" = true, "released_at" = now()
       WHERE "notice_id" IN (
         SELECT "notice_id" FROM "notify"."notices"
         WHERE "state" = 'awaiting_enrollment' AND "enrollment_deadline" <= now()
         ORDER BY "enrollment_deadline" LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING "notice_id", "incident_id", "person_id", "revision"`,
      [limit],
    );
    if (expired.length > 0) await this.releaseWaiting(expired.map((row) => row.notice_id));
    return expired;
  }

  /** The recipients a follow-up of this notice goes to: those that were not refused outright. */
  deliveriesToCopy(noticeId: string): Promise<DeliveryToCopy[]> {
    return this.manager.query<DeliveryToCopy[]>(
      `SELECT "delivery_id", "channel", "recipient_key", "recipient_ciphertext", "recipient_masked", "subscriber_id"
       FROM "notify"."deliveries" WHERE "notice_id" = $1 AND "state" NOT IN ('rejected', 'cancelled', 'dry_run')`,
      [noticeId],
    );
  }

  /** Stores enrollments, one per exposure; returns the exposure idempotency keys that were new. */
  async insertEnrollments(enrollments: Omit<EnrollmentEntity, 'receivedAt'>[]): Promise<Set<string>> {
    if (enrollments.length === 0) return new Set();
    const inserted = await this.manager.query<{ exposure_idempotency_key: string }[]>(
      `INSERT INTO "notify"."enrollments" ("enrollment_id", "exposure_idempotency_key", "incident_id", "person_id",
         "activation_code_ciphertext", "enroll_by", "monitoring_months", "actions")
       SELECT u.enrollment_id, u.key, u.incident_id, u.person_id, u.code, u.enroll_by, u.months, ARRAY(SELECT jsonb_array_elements_text(u.actions)::int)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::timestamptz[], $7::int[], $8::jsonb[])
         AS u(enrollment_id, key, incident_id, person_id, code, enroll_by, months, actions)
       ON CONFLICT DO NOTHING RETURNING "exposure_idempotency_key"`,
      [
        enrollments.map((e) => e.enrollmentId),
        enrollments.map((e) => e.exposureIdempotencyKey),
        enrollments.map((e) => e.incidentId),
        enrollments.map((e) => e.personId),
        enrollments.map((e) => e.activationCodeCiphertext),
        enrollments.map((e) => e.enrollBy),
        enrollments.map((e) => e.monitoringMonths),
        enrollments.map((e) => JSON.stringify(e.actions)),
      ],
    );
    return new Set(inserted.map((row) => row.exposure_idempotency_key));
  }

  /** Of these notices, those that went without their activation code (their enrollment came too late). */
  async noticesOwedProtection(idempotencyKeys: string[]): Promise<Set<string>> {
    if (idempotencyKeys.length === 0) return new Set();
    const rows = await this.manager.query<{ idempotency_key: string }[]>(
      `SELECT "idempotency_key" FROM "notify"."notices"
       WHERE "idempotency_key" = ANY($1::text[]) AND "enrollment_timed_out" AND "state" = 'ready'`,
      [idempotencyKeys],
    );
    return new Set(rows.map((row) => row.idempotency_key));
  }

  /** Attaches enrollments to the notices waiting for them and releases their deliveries. */
  async attachEnrollments(pairs: [idempotencyKey: string, enrollmentId: string][]): Promise<AttachedNotice[]> {
    if (pairs.length === 0) return [];
    const [attached] = await this.manager.query<[AttachedNotice[], number]>(
      `UPDATE "notify"."notices" n SET "state" = 'ready', "enrollment_id" = u.enrollment_id, "released_at" = now()
       FROM unnest($1::text[], $2::text[]) AS u(key, enrollment_id)
       WHERE n."idempotency_key" = u.key AND n."state" = 'awaiting_enrollment'
       RETURNING n."notice_id" AS "noticeId", n."idempotency_key" AS "idempotencyKey", n."incident_id" AS "incidentId",
         n."person_id" AS "personId", n."revision", n."enrollment_id" AS "enrollmentId"`,
      [pairs.map(([key]) => key), pairs.map(([, id]) => id)],
    );
    if (attached.length > 0) await this.releaseWaiting(attached.map((row) => row.noticeId));
    return attached;
  }

  settle(noticeId: string, logTopic: string): Promise<OutboxMessage[]> {
    return settleNotice(this.manager, noticeId, logTopic);
  }

  async markUnreachable(noticeId: string): Promise<void> {
    await this.manager.query(
      `UPDATE "notify"."notices" SET "outcome" = 'unreachable', "settled_at" = now() WHERE "notice_id" = $1`,
      [noticeId],
    );
  }

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.outbox.append(this.manager, messages);
  }
}

export interface ExpiredWait {
  notice_id: string;
  incident_id: string;
  person_id: string;
  revision: number;
}
