import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACTIVATION_PRIORITY } from '../shared/delivery-rows';
import type { DeliveryTransaction } from './delivery.repository';
import type { AttemptRecord, ClaimFilter, ClaimedDelivery, LockedDelivery } from './delivery.types';

/** A send about to start: the claim it goes under. */
export interface PermitRequest {
  deliveryId: string;
  leaseId: string;
}

/**
 * Claims and the fencing around them (ADR 0011): which deliveries an instance takes, the attempt it
 * records before calling a provider, and the permit each send asks for just before it starts.
 */
@Injectable()
export class DeliveryClaimRepository {
  private settledCache?: { at: number; ids: string[] };

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks the most urgent ready deliveries of a channel (CRITICAL first), skipping rows other
   * instances hold, paused incidents, and LOW/MEDIUM ones during quiet hours or while their incident
   * is still receiving notices. Nothing is written yet: `startAttempts` does that in the same transaction.
   */
  async lockReady(tx: DeliveryTransaction, filter: ClaimFilter): Promise<LockedDelivery[]> {
    // Two bands, each an index range: activation codes (any incident, paused or not), CRITICAL and
    // HIGH of any incident not paused, then LOW and MEDIUM of incidents that are settled. A single
    // ORDER BY over both would walk every held-back LOW row of an incident still receiving notices.
    const rows = await this.lockBand(tx, filter, 'd."priority" <= 2', [], filter.limit);
    if (rows.length < filter.limit && !filter.quiet) {
      const settled = await this.settledIncidents(tx, filter.settleMs);
      if (settled.length > 0) {
        rows.push(
          ...(await this.lockBand(
            tx,
            filter,
            'd."priority" > 2 AND d."incident_id" = ANY($3::text[])',
            [settled],
            filter.limit - rows.length,
          )),
        );
      }
    }
    return rows;
  }

  /**
   * Marks locked rows `sending` under a new lease each (a fresh fencing token), counting an attempt
   * for those in `attempts` (the others are claimed only to settle an unknown outcome). Returns the
   * rows with their lease ids.
   */
  async startAttempts(
    tx: DeliveryTransaction,
    filter: ClaimFilter,
    rows: LockedDelivery[],
    attempts: AttemptRecord[],
  ): Promise<ClaimedDelivery[]> {
    const attempted = new Map(attempts.map((attempt) => [attempt.deliveryId, attempt]));
    const ids = rows.map((row) => row.delivery_id);
    const leaseIds = rows.map(() => randomUUID());
    await tx.manager.query(
      `UPDATE "notify"."deliveries" d SET "state" = 'sending', "lease_owner" = $2, "lease_id" = u.lease_id,
           "lease_until" = now() + $3::int * interval '1 millisecond',
           "attempts" = d."attempts" + CASE WHEN u.attempt THEN 1 ELSE 0 END,
           "absent_since" = CASE WHEN u.attempt THEN NULL ELSE d."absent_since" END,
           "first_attempt_at" = coalesce(d."first_attempt_at", CASE WHEN u.attempt THEN now() END),
           "last_attempt_at" = CASE WHEN u.attempt THEN now() ELSE d."last_attempt_at" END,
           "template_id" = coalesce(u.template_id, d."template_id"), "template_version" = coalesce(u.template_version, d."template_version"),
           "content_hmac" = coalesce(u.content_hmac, d."content_hmac"), "segments" = coalesce(u.segments, d."segments"), "updated_at" = now()
         FROM unnest($1::uuid[], $4::boolean[], $5::text[], $6::text[], $7::text[], $8::int[], $9::uuid[])
           AS u(delivery_id, attempt, template_id, template_version, content_hmac, segments, lease_id)
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
        leaseIds,
      ],
    );
    return rows.map((row, index) => ({ ...row, lease_id: leaseIds[index] as string }));
  }

  /** Records a new attempt on a delivery still held by `leaseId` (reconciliation found no message, twice). */
  async recordAttempt(tx: DeliveryTransaction, leaseId: string, attempt: AttemptRecord): Promise<number | null> {
    const [rows] = await tx.manager.query<[{ revision: number }[], number]>(
      `UPDATE "notify"."deliveries" d SET "attempts" = d."attempts" + 1, "last_attempt_at" = now(), "absent_since" = NULL,
         "template_id" = $3, "template_version" = $4, "content_hmac" = $5, "segments" = $6, "updated_at" = now()
       FROM "notify"."notices" n
       WHERE d."delivery_id" = $1 AND d."state" = 'sending' AND d."lease_id" = $2 AND n."notice_id" = d."notice_id"
       RETURNING n."revision"`,
      [attempt.deliveryId, leaseId, attempt.templateId, attempt.templateVersion, attempt.contentHmac, attempt.segments],
    );
    return rows[0]?.revision ?? null;
  }

  /**
   * Send permits: for each send about to start whose claim still holds its delivery with lease left,
   * extends the lease to now + leaseMs and returns the delivery id. A send without a permit must not
   * start: its lease ran out (the row may be reconciled already) or another claim holds it.
   */
  async grantPermits(requests: PermitRequest[], leaseMs: number): Promise<Set<string>> {
    if (requests.length === 0) return new Set();
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [rows] = await this.dataSource.query<[{ delivery_id: string }[], number]>(
      `UPDATE "notify"."deliveries" d SET "lease_until" = now() + $3::int * interval '1 millisecond', "updated_at" = now()
       FROM unnest($1::uuid[], $2::uuid[]) AS u(delivery_id, lease_id)
       WHERE d."delivery_id" = u.delivery_id AND d."lease_id" = u.lease_id AND d."state" = 'sending' AND d."lease_until" > now()
       RETURNING d."delivery_id"`,
      [requests.map((r) => r.deliveryId), requests.map((r) => r.leaseId), leaseMs],
    );
    return new Set(rows.map((row) => row.delivery_id));
  }

  /**
   * Incidents whose LOW and MEDIUM notices may go. Asked at most every quarter second per instance:
   * every claim of both lanes needs it, and a quarter second more of holding back is harmless.
   */
  private async settledIncidents(tx: DeliveryTransaction, settleMs: number): Promise<string[]> {
    if (this.settledCache && Date.now() - this.settledCache.at < 250) return this.settledCache.ids;
    const settled = await tx.manager.query<{ incident_id: string }[]>(
      // Settled: no notice arrived for the settle window. CRITICAL and HIGH notices still waiting for
      // their fraud enrollment do not hold LOW ones back (ADR 0019): the sender would idle meanwhile,
      // and once an enrollment arrives its notice is claimed first, behind at most the sends already booked.
      `SELECT i."incident_id" FROM "notify"."incidents" i
       WHERE NOT i."paused" AND i."last_notice_at" <= now() - $1::int * interval '1 millisecond'`,
      [settleMs],
    );
    this.settledCache = { at: Date.now(), ids: settled.map((row) => row.incident_id) };
    return this.settledCache.ids;
  }

  private lockBand(
    tx: DeliveryTransaction,
    filter: ClaimFilter,
    band: string,
    extra: unknown[],
    limit: number,
  ): Promise<LockedDelivery[]> {
    return tx.manager.query<LockedDelivery[]>(
      `WITH claimed AS (
         SELECT d."delivery_id", d."state" FROM "notify"."deliveries" d
         WHERE d."channel" = $1 AND d."state" IN ('queued', 'unknown') AND d."not_before" <= now() AND ${band}
           AND (d."priority" = ${ACTIVATION_PRIORITY}
                OR NOT EXISTS (SELECT 1 FROM "notify"."incidents" i WHERE i."incident_id" = d."incident_id" AND i."paused"))
         ORDER BY d."priority", d."created_at"
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED)
       SELECT d."delivery_id", d."notice_id", d."incident_id", d."person_id", d."channel", c."state" AS claimed_from,
         d."absent_since", d."recipient_ciphertext", d."recipient_masked", d."marker", d."attempts", d."first_attempt_at", d."priority",
         n."kind", n."change", n."tier", n."language", n."revision", n."categories", n."new_categories", n."actions",
         n."attack_vectors", n."msisdns_masked", n."detected_at", n."occurred_to", n."reference_code", n."enrollment_timed_out",
         n."jurisdiction",
         COALESCE((SELECT json_agg(json_build_object('regulator_id', r."regulator_id", 'filed_at', r."filed_at"))
                   FROM "notify"."regulator_receipts" r WHERE r."incident_id" = d."incident_id"), '[]'::json) AS regulator_receipts,
         e."enrollment_id", e."activation_code_ciphertext", e."enroll_by", e."monitoring_months",
         ac."challenge_id", ac."purpose" AS challenge_purpose, ac."otp_ciphertext", ac."expires_at" AS otp_expires_at
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
}
