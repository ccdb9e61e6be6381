import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveryTransaction } from './delivery.repository';

/** A status callback as Twilio posted it (signature already checked). */
export interface ReceivedCallback {
  deliveryId: string;
  sid: string;
  status: string;
  errorCode: string | null;
}

export interface PendingCallback extends ReceivedCallback {
  callbackId: string;
}

/** The durable inbox of provider callbacks: appended by the HTTP route, drained by CallbackApplier. */
@Injectable()
export class ProviderCallbackRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends callbacks in one statement and one commit; ones already received (replays) add nothing. */
  async append(callbacks: ReceivedCallback[]): Promise<void> {
    if (callbacks.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO "notify"."provider_callbacks" ("delivery_id", "sid", "status", "error_code")
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT ON CONSTRAINT "UQ_provider_callbacks_report" DO NOTHING`,
      [
        callbacks.map((c) => c.deliveryId),
        callbacks.map((c) => c.sid),
        callbacks.map((c) => c.status),
        callbacks.map((c) => c.errorCode),
      ],
    );
  }

  /** Takes the oldest pending callbacks for this transaction; other instances skip them (SKIP LOCKED). */
  takePending(tx: DeliveryTransaction, limit: number): Promise<PendingCallback[]> {
    return tx.manager.query<PendingCallback[]>(
      `SELECT "callback_id" AS "callbackId", "delivery_id" AS "deliveryId", "sid", "status", "error_code" AS "errorCode"
       FROM "notify"."provider_callbacks" WHERE "applied_at" IS NULL
       ORDER BY "callback_id" LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async markApplied(tx: DeliveryTransaction, callbackIds: string[]): Promise<void> {
    if (callbackIds.length === 0) return;
    await tx.manager.query(
      `UPDATE "notify"."provider_callbacks" SET "applied_at" = now() WHERE "callback_id" = ANY($1::bigint[])`,
      [callbackIds],
    );
  }

  /** Pending callbacks and how long the oldest has waited (the backlog the benchmark watches). */
  async backlog(): Promise<{ pending: number; oldestMs: number }> {
    const [row] = await this.dataSource.query<{ pending: number; oldest_ms: number | null }[]>(
      `SELECT count(*)::int AS pending, (extract(epoch FROM now() - min("received_at")) * 1000)::int AS oldest_ms
       FROM "notify"."provider_callbacks" WHERE "applied_at" IS NULL`,
    );
    return { pending: row?.pending ?? 0, oldestMs: row?.oldest_ms ?? 0 };
  }
}
