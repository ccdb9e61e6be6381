import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RiskTier } from '@bnp/contracts';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { NOTIFY_OUTBOX } from '../notice/notice.repository';
import { ACTIVATION_PRIORITY, insertDeliveries, type NewDelivery } from '../shared/delivery-rows';
import { settleNotice } from '../shared/notice-settlement';
import { retryOnDeadlock } from '../shared/retry-deadlock';
import type { DeliveryChannel, DeliveryState } from './delivery-state';

/** A delivery handed to this instance by a claim, with what its notice says. */
export interface ClaimedDelivery {
  delivery_id: string;
  notice_id: string;
  incident_id: string;
  person_id: string;
  channel: DeliveryChannel;
  /** 'queued' (send it) or 'unknown' (settle the last attempt first). */
  claimed_from: 'queued' | 'unknown';
  recipient_ciphertext: Buffer;
  recipient_masked: string;
  marker: string;
  attempts: number;
  first_attempt_at: Date | null;
  priority: number;
  kind: 'notice' | 'protection' | 'activation';
  change: 'new' | 'widened' | 'retracted';
  tier: RiskTier;
  language: 'ur' | 'en';
  revision: number;
  categories: number[];
  new_categories: number[];
  actions: number[];
  attack_vectors: number[];
  msisdns_masked: string[];
  detected_at: Date | null;
  occurred_to: Date | null;
  reference_code: string;
  enrollment_timed_out: boolean;
  enrollment_id: string | null;
  activation_code_ciphertext: Buffer | null;
  enroll_by: Date | null;
  monitoring_months: number | null;
  /** Activation messages only: the challenge, its sealed one-time code (null once wiped) and its expiry. */
  challenge_id: string | null;
  otp_ciphertext: Buffer | null;
  otp_expires_at: Date | null;
}

/** What a claim records about the attempt it starts (none for a delivery claimed only to be reconciled). */
export interface AttemptRecord {
  deliveryId: string;
  templateId: string;
  templateVersion: string;
  contentHmac: string;
  segments: number | null;
}

/** A state change of a delivery this instance holds (its own attempt's answer, or a reconciliation). */
export interface Transition {
  deliveryId: string;
  state: DeliveryState;
  providerRef?: string | null;
  providerStatus?: string | null;
  errorCode?: string | null;
  errorDetail?: string | null;
  /** For a retry: do not claim again before this many milliseconds. */
  delayMs?: number;
  segments?: number | null;
}

/** A status the provider reported (callback or fetch); applied only if it moves the delivery forward. */
export interface ProviderStatus {
  deliveryId: string;
  sid: string;
  state: DeliveryState;
  rank: number;
  providerStatus: string;
  errorCode: string | null;
}

/** A delivery row as it is after a change, for the log, the fallback and the notice outcome. */
export interface ChangedDelivery {
  delivery_id: string;
  notice_id: string;
  incident_id: string;
  person_id: string;
  channel: DeliveryChannel;
  state: DeliveryState;
  recipient_masked: string;
  provider_ref: string | null;
  template_id: string | null;
  template_version: string | null;
  content_hmac: string | null;
  error_code: string | null;
  error_detail: string | null;
  attempts: number;
  revision: number;
}

export interface ClaimFilter {
  channel: DeliveryChannel;
  limit: number;
  /** Quiet hours: only CRITICAL and HIGH may go. */
  quiet: boolean;
  settleMs: number;
  owner: string;
  leaseMs: number;
}

export interface FallbackSource {
  notice_id: string;
  incident_id: string;
  person_id: string;
  priority: number;
  marker: string;
  email_ciphertext: Buffer | null;
  email_masked: string | null;
  has_email_delivery: boolean;
}

const RETURNING_CHANGED = `d."delivery_id", d."notice_id", d."incident_id", d."person_id", d."channel", d."state", d."recipient_masked",
  d."provider_ref", d."template_id", d."template_version", d."content_hmac", d."error_code", d."error_detail", d."attempts", n."revision"`;

/** A unit of work on deliveries: state changes and the log entries they cause commit together. */
export class DeliveryTransaction {
  constructor(
    readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.outbox.append(this.manager, messages);
  }

  settle(noticeId: string, logTopic: string): Promise<OutboxMessage[]> {
    return settleNotice(this.manager, noticeId, logTopic);
  }

  async markReached(noticeIds: string[]): Promise<void> {
    if (noticeIds.length === 0) return;
    await this.manager.query(
      `UPDATE "notify"."notices" SET "outcome" = 'reached', "settled_at" = now() WHERE "notice_id" = ANY($1::uuid[]) AND "outcome" = 'pending'`,
      [noticeIds],
    );
  }

  async fallbackSource(noticeId: string): Promise<FallbackSource | null> {
    const [row] = await this.manager.query<FallbackSource[]>(
      `SELECT n."notice_id", n."incident_id", n."person_id", 5 - n."tier" AS priority, n."reference_code" AS marker,
         n."email_ciphertext", n."email_masked",
         EXISTS (SELECT 1 FROM "notify"."deliveries" d WHERE d."notice_id" = n."notice_id" AND d."channel" = 'email') AS has_email_delivery
       FROM "notify"."notices" n WHERE n."notice_id" = $1`,
      [noticeId],
    );
    return row ?? null;
  }

  insertDeliveries(rows: NewDelivery[]): Promise<string[]> {
    return insertDeliveries(this.manager, rows);
  }
}

@Injectable()
export class DeliveryRepository {
  private settledCache?: { at: number; ids: string[] };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFY_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: DeliveryTransaction) => Promise<T>): Promise<T> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction((manager) => work(new DeliveryTransaction(manager, this.outbox))),
    );
  }

  /**
   * Takes the most urgent ready deliveries of a channel (CRITICAL first), skipping rows other
   * instances hold, paused incidents, and LOW/MEDIUM ones during quiet hours or while their incident
   * is still receiving notices. `prepare` renders each and returns what the attempt records; the
   * attempt is committed, with its log entry, before any provider is called.
   */
  claim(
    filter: ClaimFilter,
    prepare: (
      tx: DeliveryTransaction,
      rows: ClaimedDelivery[],
    ) => Promise<{ attempts: AttemptRecord[]; log: OutboxMessage[] }>,
  ): Promise<ClaimedDelivery[]> {
    return this.inTransaction(async (tx) => {
      // Two bands, each an index range: activation codes (any incident, paused or not), CRITICAL and
      // HIGH of any incident not paused, then LOW and MEDIUM of incidents that are settled. A single ORDER BY over both would walk every held-back
      // LOW row of an incident still receiving notices on each claim.
      const rows = await this.claimBand(tx, filter, 'd."priority" <= 2', [], filter.limit);
      if (rows.length < filter.limit && !filter.quiet) {
        const settled = await this.settledIncidents(tx, filter.settleMs);
        if (settled.length > 0) {
          rows.push(
            ...(await this.claimBand(
              tx,
              filter,
              'd."priority" > 2 AND d."incident_id" = ANY($3::text[])',
              [settled],
              filter.limit - rows.length,
            )),
          );
        }
      }
      if (rows.length === 0) return rows;
      return this.startAttempts(tx, filter, rows, prepare);
    });
  }

  /**
   * Incidents whose LOW and MEDIUM notices may go. Asked at most every quarter second per instance:
   * every claim of both lanes needs it, and a quarter second more of holding back is harmless.
   */
  private async settledIncidents(tx: DeliveryTransaction, settleMs: number): Promise<string[]> {
    if (this.settledCache && Date.now() - this.settledCache.at < 250) return this.settledCache.ids;
    const settled = await tx.manager.query<{ incident_id: string }[]>(
      // Settled: no notice arrived for the settle window, and no CRITICAL or HIGH notice still waits
      // for its fraud enrollment (it would otherwise be overtaken by LOW ones).
      `SELECT i."incident_id" FROM "notify"."incidents" i
       WHERE NOT i."paused" AND i."last_notice_at" <= now() - $1::int * interval '1 millisecond'
         AND NOT EXISTS (SELECT 1 FROM "notify"."notices" n WHERE n."incident_id" = i."incident_id" AND n."state" = 'awaiting_enrollment' AND n."tier" >= 3)`,
      [settleMs],
    );
    this.settledCache = { at: Date.now(), ids: settled.map((row) => row.incident_id) };
    return this.settledCache.ids;
  }

  private async startAttempts(
    tx: DeliveryTransaction,
    filter: ClaimFilter,
    rows: ClaimedDelivery[],
    prepare: (
      tx: DeliveryTransaction,
      rows: ClaimedDelivery[],
    ) => Promise<{ attempts: AttemptRecord[]; log: OutboxMessage[] }>,
  ): Promise<ClaimedDelivery[]> {
    const { attempts, log } = await prepare(tx, rows);
    const attempted = new Map(attempts.map((attempt) => [attempt.deliveryId, attempt]));
    const ids = rows.map((row) => row.delivery_id);
    await tx.manager.query(
      `UPDATE "notify"."deliveries" d SET "state" = 'sending', "lease_owner" = $2, "lease_until" = now() + $3::int * interval '1 millisecond',
           "attempts" = d."attempts" + CASE WHEN u.attempt THEN 1 ELSE 0 END,
           "first_attempt_at" = coalesce(d."first_attempt_at", CASE WHEN u.attempt THEN now() END),
           "last_attempt_at" = CASE WHEN u.attempt THEN now() ELSE d."last_attempt_at" END,
           "template_id" = coalesce(u.template_id, d."template_id"), "template_version" = coalesce(u.template_version, d."template_version"),
           "content_hmac" = coalesce(u.content_hmac, d."content_hmac"), "segments" = coalesce(u.segments, d."segments"), "updated_at" = now()
         FROM unnest($1::uuid[], $4::boolean[], $5::text[], $6::text[], $7::text[], $8::int[])
           AS u(delivery_id, attempt, template_id, template_version, content_hmac, segments)
         WHERE d."delivery_id" = u.delivery_id`,
      [
        ids,
        filter.owner,
        filter.leaseMs,
        ids.map((id) => attempted.has(id)),
        ids.map((id) => attempted.get(id)?.templateId ?? null),
        ids.map((id) => attempted.get(id)?.templateVersion ?? null),
        ids.map((id) => attempted.get(id)?.contentHmac ?? null),
        ids.map((id) => attempted.get(id)?.segments ?? null),
      ],
    );
    await tx.appendOutbox(log);
    return rows;
  }

  private claimBand(
    tx: DeliveryTransaction,
    filter: ClaimFilter,
    band: string,
    extra: unknown[],
    limit: number,
  ): Promise<ClaimedDelivery[]> {
    return tx.manager.query<ClaimedDelivery[]>(
      `WITH claimed AS (
         SELECT d."delivery_id", d."state" FROM "notify"."deliveries" d
         WHERE d."channel" = $1 AND d."state" IN ('queued', 'unknown') AND d."not_before" <= now() AND ${band}
           AND (d."priority" = ${ACTIVATION_PRIORITY}
                OR NOT EXISTS (SELECT 1 FROM "notify"."incidents" i WHERE i."incident_id" = d."incident_id" AND i."paused"))
         ORDER BY d."priority", d."created_at"
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED)
       SELECT d."delivery_id", d."notice_id", d."incident_id", d."person_id", d."channel", c."state" AS claimed_from,
         d."recipient_ciphertext", d."recipient_masked", d."marker", d."attempts", d."first_attempt_at", d."priority",
         n."kind", n."change", n."tier", n."language", n."revision", n."categories", n."new_categories", n."actions",
         n."attack_vectors", n."msisdns_masked", n."detected_at", n."occurred_to", n."reference_code", n."enrollment_timed_out",
         e."enrollment_id", e."activation_code_ciphertext", e."enroll_by", e."monitoring_months",
         ac."challenge_id", ac."otp_ciphertext", ac."expires_at" AS otp_expires_at
       FROM claimed c
       JOIN "notify"."deliveries" d ON d."delivery_id" = c."delivery_id"
       JOIN "notify"."notices" n ON n."notice_id" = d."notice_id"
       -- One code per notice: its own exposure's (a widening revision reissues one for the same enrollment;
       -- a protection follow-up is keyed <exposure key>#protection), else the enrollment's newest.
       LEFT JOIN LATERAL (
         SELECT * FROM "notify"."enrollments" en WHERE en."enrollment_id" = n."enrollment_id"
         ORDER BY (en."exposure_idempotency_key" = n."idempotency_key"
           OR en."exposure_idempotency_key" || '#protection' = n."idempotency_key") DESC, en."received_at" DESC
         LIMIT 1) e ON true
       LEFT JOIN "notify"."activation_challenges" ac ON ac."notice_id" = n."notice_id"
       ORDER BY d."priority", d."created_at"`,
      [filter.channel, limit, ...extra],
    );
  }

  /** Records a new attempt on a delivery this instance holds (after reconciliation found no message). */
  async recordAttempt(
    owner: string,
    attempt: AttemptRecord,
    log: (revision: number) => OutboxMessage,
  ): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const [rows] = await tx.manager.query<[{ revision: number }[], number]>(
        `UPDATE "notify"."deliveries" d SET "attempts" = d."attempts" + 1, "last_attempt_at" = now(), "template_id" = $3,
           "template_version" = $4, "content_hmac" = $5, "segments" = $6, "updated_at" = now()
         FROM "notify"."notices" n
         WHERE d."delivery_id" = $1 AND d."state" = 'sending' AND d."lease_owner" = $2 AND n."notice_id" = d."notice_id"
         RETURNING n."revision"`,
        [attempt.deliveryId, owner, attempt.templateId, attempt.templateVersion, attempt.contentHmac, attempt.segments],
      );
      const row = rows[0];
      if (!row) return false;
      await tx.appendOutbox([log(row.revision)]);
      return true;
    });
  }

  /** Applies answers to this instance's own attempts; a delivery it no longer holds is left alone. */
  async applyTransitions(
    tx: DeliveryTransaction,
    owner: string,
    transitions: Transition[],
  ): Promise<ChangedDelivery[]> {
    if (transitions.length === 0) return [];
    const [rows] = await tx.manager.query<[ChangedDelivery[], number]>(
      `UPDATE "notify"."deliveries" d SET "state" = u.state, "provider_ref" = coalesce(u.provider_ref, d."provider_ref"),
         "provider_status" = coalesce(u.provider_status, d."provider_status"), "error_code" = u.error_code, "error_detail" = u.error_detail,
         "not_before" = now() + coalesce(u.delay_ms, 0) * interval '1 millisecond', "segments" = coalesce(u.segments, d."segments"),
         "lease_owner" = NULL, "lease_until" = NULL, "updated_at" = now(),
         "accepted_at" = coalesce(d."accepted_at", CASE WHEN u.provider_ref IS NOT NULL THEN now() END),
         "last_status_at" = CASE WHEN u.provider_ref IS NOT NULL THEN now() ELSE d."last_status_at" END,
         "final_at" = CASE WHEN u.state IN ('delivered', 'undelivered', 'failed', 'rejected') OR (d."channel" = 'email' AND u.state = 'sent')
                           THEN now() ELSE d."final_at" END
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[])
         AS u(delivery_id, state, provider_ref, provider_status, error_code, error_detail, delay_ms, segments),
         "notify"."notices" n
       WHERE d."delivery_id" = u.delivery_id AND d."state" = 'sending' AND d."lease_owner" = $1 AND n."notice_id" = d."notice_id"
       RETURNING ${RETURNING_CHANGED}`,
      [
        owner,
        transitions.map((t) => t.deliveryId),
        transitions.map((t) => t.state),
        transitions.map((t) => t.providerRef ?? null),
        transitions.map((t) => t.providerStatus ?? null),
        transitions.map((t) => t.errorCode ?? null),
        transitions.map((t) => t.errorDetail ?? null),
        transitions.map((t) => (t.delayMs === undefined ? null : Math.round(t.delayMs))),
        transitions.map((t) => t.segments ?? null),
      ],
    );
    return rows;
  }

  /**
   * Applies provider-reported statuses that move a delivery forward (callbacks arrive out of order and
   * more than once). A delivery with no SID yet adopts the reported one: the callback settles an
   * attempt whose answer was lost. A status for another SID than the one adopted changes nothing.
   */
  async applyProviderStatuses(
    tx: DeliveryTransaction,
    statuses: ProviderStatus[],
  ): Promise<{ changed: ChangedDelivery[]; foreign: ProviderStatus[] }> {
    if (statuses.length === 0) return { changed: [], foreign: [] };
    const [rows] = await tx.manager.query<[ChangedDelivery[], number]>(
      `UPDATE "notify"."deliveries" d SET "state" = u.state, "provider_ref" = coalesce(d."provider_ref", u.sid), "provider_status" = u.provider_status,
         "error_code" = coalesce(u.error_code, d."error_code"), "lease_owner" = NULL, "lease_until" = NULL, "updated_at" = now(),
         "accepted_at" = coalesce(d."accepted_at", now()), "last_status_at" = now(),
         "final_at" = CASE WHEN u.rank = 3 THEN now() ELSE d."final_at" END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) AS u(delivery_id, sid, state, rank, provider_status, error_code),
         "notify"."notices" n
       WHERE d."delivery_id" = u.delivery_id AND d."channel" = 'sms' AND n."notice_id" = d."notice_id"
         AND (d."provider_ref" IS NULL OR d."provider_ref" = u.sid)
         AND d."state" IN ('sending', 'unknown', 'accepted', 'sent')
         AND (CASE d."state" WHEN 'accepted' THEN 1 WHEN 'sent' THEN 2 ELSE 0 END) < u.rank
       RETURNING ${RETURNING_CHANGED}`,
      [
        statuses.map((s) => s.deliveryId),
        statuses.map((s) => s.sid),
        statuses.map((s) => s.state),
        statuses.map((s) => s.rank),
        statuses.map((s) => s.providerStatus),
        statuses.map((s) => s.errorCode),
      ],
    );
    const changed = new Set(rows.map((row) => row.delivery_id));
    const unchanged = statuses.filter((status) => !changed.has(status.deliveryId)).map((status) => status.deliveryId);
    if (unchanged.length === 0) return { changed: rows, foreign: [] };
    // Among the rest, a report for a different SID than the delivery's is a second message: worth an alarm.
    const foreignRows = await tx.manager.query<{ delivery_id: string; provider_ref: string }[]>(
      `SELECT "delivery_id", "provider_ref" FROM "notify"."deliveries" WHERE "delivery_id" = ANY($1::uuid[]) AND "provider_ref" IS NOT NULL`,
      [unchanged],
    );
    const refs = new Map(foreignRows.map((row) => [row.delivery_id, row.provider_ref]));
    const foreign = statuses.filter((status) => {
      const ref = refs.get(status.deliveryId);
      return ref !== undefined && ref !== status.sid;
    });
    return { changed: rows, foreign };
  }

  /** Attempts left without an answer by an instance that stopped: their outcome is now unknown. */
  async expireLeases(owner: string | null, graceMs: number): Promise<ChangedDelivery[]> {
    const [rows] = await this.dataSource.query<[ChangedDelivery[], number]>(
      `UPDATE "notify"."deliveries" d SET "state" = 'unknown', "lease_owner" = NULL, "lease_until" = NULL, "updated_at" = now(),
         "not_before" = greatest(now(), coalesce(d."last_attempt_at", now()) + $2::int * interval '1 millisecond')
       FROM "notify"."notices" n
       WHERE d."state" = 'sending' AND n."notice_id" = d."notice_id"
         AND (d."lease_until" < now() OR d."lease_owner" = $1)
       RETURNING ${RETURNING_CHANGED}`,
      [owner, graceMs],
    );
    return rows;
  }

  /** Accepted or sent messages that have been silent too long (a callback lost): ask the provider. */
  staleSmsStatuses(silentForMs: number, limit: number): Promise<{ delivery_id: string; provider_ref: string }[]> {
    return this.dataSource.query<{ delivery_id: string; provider_ref: string }[]>(
      `SELECT "delivery_id", "provider_ref" FROM "notify"."deliveries"
       WHERE "state" IN ('accepted', 'sent') AND "channel" = 'sms' AND "provider_ref" IS NOT NULL
         AND "last_status_at" < now() - $1::int * interval '1 millisecond'
       ORDER BY "last_status_at" LIMIT $2`,
      [silentForMs, limit],
    );
  }

  /** Gives claimed deliveries back untouched (shutdown before they were sent). */
  async release(owner: string, deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE "notify"."deliveries" SET "state" = 'unknown', "lease_owner" = NULL, "lease_until" = NULL, "not_before" = now(), "updated_at" = now()
       WHERE "delivery_id" = ANY($2::uuid[]) AND "state" = 'sending' AND "lease_owner" = $1`,
      [owner, deliveryIds],
    );
  }

  /**
   * Wipes one-time codes no longer needed: expired, or their SMS is past every state that could still
   * send it (accepted, delivered, failed, ...). What is left to open is only what may still go out.
   */
  async wipeSpentOneTimeCodes(): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE "notify"."activation_challenges" c SET "otp_ciphertext" = NULL
       WHERE c."otp_ciphertext" IS NOT NULL
         AND (c."expires_at" <= now() OR NOT EXISTS (
           SELECT 1 FROM "notify"."deliveries" d WHERE d."notice_id" = c."notice_id" AND d."state" IN ('queued', 'unknown', 'sending')))`,
    );
    return count;
  }

  findRecipient(deliveryId: string): Promise<{ recipient_key: string; channel: DeliveryChannel } | null> {
    return this.dataSource
      .query(`SELECT "recipient_key", "channel" FROM "notify"."deliveries" WHERE "delivery_id" = $1`, [deliveryId])
      .then((rows: { recipient_key: string; channel: DeliveryChannel }[]) => rows[0] ?? null);
  }
}
