import type { EntityManager } from 'typeorm';
import type { DeliveryChannel, DeliveryState } from '../dispatch/delivery-state';

/**
 * Delivery priority of an activation one-time code: ahead of every breach notice (CRITICAL is 1), and
 * claimed regardless of quiet hours, the settle window and an incident's pause (ADR 0004).
 */
export const ACTIVATION_PRIORITY = 0;

export interface NewDelivery {
  deliveryId: string;
  noticeId: string;
  incidentId: string;
  personId: string;
  channel: DeliveryChannel;
  recipientKey: string;
  recipientCiphertext: Buffer;
  recipientMasked: string;
  subscriberId: string | null;
  priority: number;
  state: DeliveryState;
  marker: string;
  errorCode?: string | null;
  errorDetail?: string | null;
  fallbackOf?: string | null;
}

/** INSERT ... SELECT of deliveries from 15 array parameters starting at $first (no RETURNING). */
export function insertDeliveriesSql(first: number): string {
  const p = (offset: number) => `$${first + offset}`;
  return `INSERT INTO "notify"."deliveries" ("delivery_id", "notice_id", "incident_id", "person_id", "channel", "recipient_key",
       "recipient_ciphertext", "recipient_masked", "subscriber_id", "priority", "state", "marker", "error_code", "error_detail",
       "fallback_of", "final_at")
     SELECT d.*, CASE WHEN d.state IN ('rejected', 'cancelled', 'dry_run') THEN now() END
     FROM unnest(${p(0)}::uuid[], ${p(1)}::uuid[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::text[], ${p(6)}::bytea[],
       ${p(7)}::text[], ${p(8)}::text[], ${p(9)}::smallint[], ${p(10)}::text[], ${p(11)}::text[], ${p(12)}::text[], ${p(13)}::text[],
       ${p(14)}::uuid[])
       AS d(delivery_id, notice_id, incident_id, person_id, channel, recipient_key, recipient_ciphertext, recipient_masked,
            subscriber_id, priority, state, marker, error_code, error_detail, fallback_of)
     ON CONFLICT DO NOTHING`;
}

export function deliveryParams(rows: NewDelivery[]): unknown[] {
  return [
    rows.map((row) => row.deliveryId),
    rows.map((row) => row.noticeId),
    rows.map((row) => row.incidentId),
    rows.map((row) => row.personId),
    rows.map((row) => row.channel),
    rows.map((row) => row.recipientKey),
    rows.map((row) => row.recipientCiphertext),
    rows.map((row) => row.recipientMasked),
    rows.map((row) => row.subscriberId),
    rows.map((row) => row.priority),
    rows.map((row) => row.state),
    rows.map((row) => row.marker),
    rows.map((row) => row.errorCode ?? null),
    rows.map((row) => row.errorDetail ?? null),
    rows.map((row) => row.fallbackOf ?? null),
  ];
}

/** Inserts deliveries set-based; a row that already exists (same notice, channel, recipient) is left alone. */
export async function insertDeliveries(manager: EntityManager, rows: NewDelivery[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await manager.query<{ delivery_id: string }[]>(
    `${insertDeliveriesSql(1)} RETURNING "delivery_id"`,
    deliveryParams(rows),
  );
  return inserted.map((row) => row.delivery_id);
}

/** Serialises everything about one person in one incident (notices, enrollments) across instances. */
export async function lockPerson(manager: EntityManager, incidentId: string, personId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [personLockKey(incidentId, personId)]);
}

export function personLockKey(incidentId: string, personId: string): string {
  return `notify:person:${incidentId}:${personId}`;
}
