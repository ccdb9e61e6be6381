import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { NOTIFY_OUTBOX } from '../notice/notice.repository';
import { insertDeliveries, type NewDelivery } from '../shared/delivery-rows';
import { settleNotice } from '../shared/notice-settlement';
import { retryOnDeadlock } from '../shared/retry-deadlock';
import type { DeliveryChannel } from './delivery-state';
import type { ChangedDelivery, FallbackSource, ProviderStatus, Transition } from './delivery.types';

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
   * Applies changes made under a claim (an attempt's answer, a reconciliation's verdict) while that
   * claim still holds the delivery: `sending` under its lease, or `unknown` after its lease ran out and
   * before another claim took the row (a late answer is still the truth about that attempt).
   */
  async applyTransitions(tx: DeliveryTransaction, transitions: Transition[]): Promise<ChangedDelivery[]> {
    if (transitions.length === 0) return [];
    const [rows] = await tx.manager.query<[ChangedDelivery[], number]>(
      `UPDATE "notify"."deliveries" d SET "state" = u.state, "provider_ref" = coalesce(u.provider_ref, d."provider_ref"),
         "provider_status" = coalesce(u.provider_status, d."provider_status"), "error_code" = u.error_code, "error_detail" = u.error_detail,
         "not_before" = CASE WHEN u.after_lease THEN greatest(now(), coalesce(d."lease_until", now())) ELSE now() END
           + coalesce(u.delay_ms, 0) * interval '1 millisecond', "segments" = coalesce(u.segments, d."segments"),
         "absent_since" = CASE WHEN u.absent_since IS NOT NULL THEN u.absent_since ELSE d."absent_since" END,
         "lease_owner" = NULL, "lease_until" = NULL, "updated_at" = now(),
         "accepted_at" = coalesce(d."accepted_at", CASE WHEN u.provider_ref IS NOT NULL THEN now() END),
         "last_status_at" = CASE WHEN u.provider_ref IS NOT NULL THEN now() ELSE d."last_status_at" END,
         "final_at" = CASE WHEN u.state IN ('delivered', 'undelivered', 'failed', 'rejected') OR (d."channel" = 'email' AND u.state = 'sent')
                           THEN now() ELSE d."final_at" END
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::timestamptz[], $11::boolean[])
         AS u(lease_id, delivery_id, state, provider_ref, provider_status, error_code, error_detail, delay_ms, segments, absent_since, after_lease),
         "notify"."notices" n
       WHERE d."delivery_id" = u.delivery_id AND d."lease_id" = u.lease_id AND d."state" IN ('sending', 'unknown')
         AND n."notice_id" = d."notice_id"
       RETURNING ${RETURNING_CHANGED}`,
      [
        transitions.map((t) => t.leaseId),
        transitions.map((t) => t.deliveryId),
        transitions.map((t) => t.state),
        transitions.map((t) => t.providerRef ?? null),
        transitions.map((t) => t.providerStatus ?? null),
        transitions.map((t) => t.errorCode ?? null),
        transitions.map((t) => t.errorDetail ?? null),
        transitions.map((t) => (t.delayMs === undefined ? null : Math.round(t.delayMs))),
        transitions.map((t) => t.segments ?? null),
        transitions.map((t) => t.absentSince ?? null),
        transitions.map((t) => t.delayAfterLease ?? false),
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

  /**
   * Attempts whose lease ran out (or, at start, this instance's own from its previous life): their
   * outcome is unknown. No send of theirs can start any more (a send needs a permit under a live lease)
   * and none can still be in flight once the lease is over, so the provider's list is searched a grace
   * period after the lease's end, or after now for a restarting instance's rows (ADR 0011).
   */
  async expireLeases(owner: string | null, graceMs: number): Promise<ChangedDelivery[]> {
    const [rows] = await this.dataSource.query<[ChangedDelivery[], number]>(
      `UPDATE "notify"."deliveries" d SET "state" = 'unknown', "lease_owner" = NULL, "lease_until" = NULL, "updated_at" = now(),
         "not_before" = least(d."lease_until", now()) + $2::int * interval '1 millisecond'
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

  /**
   * Gives back claims that were never sent, matched on each claim's lease id (its fencing token): a
   * delivery claimed again since (a later lease, of this instance or another) is left alone.
   */
  async release(claims: { deliveryId: string; leaseId: string }[]): Promise<void> {
    if (claims.length === 0) return;
    await this.dataSource.query(
      `UPDATE "notify"."deliveries" d SET "state" = 'unknown', "lease_owner" = NULL, "lease_until" = NULL, "not_before" = now(), "updated_at" = now()
       FROM unnest($1::uuid[], $2::uuid[]) AS u(delivery_id, lease_id)
       WHERE d."delivery_id" = u.delivery_id AND d."lease_id" = u.lease_id AND d."state" = 'sending'`,
      [claims.map((claim) => claim.deliveryId), claims.map((claim) => claim.leaseId)],
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
