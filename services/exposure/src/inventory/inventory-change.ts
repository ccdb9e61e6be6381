import type { ClosureReason } from '@bnp/contracts';
import type { AssetRow, HoldingRow, SubscriberRow } from '../import/row-validation';

/** Where a change sits among the changes of what it names: later occurred_at wins, then the greater event id. */
export interface ChangeVersion {
  eventId: string;
  /** ISO-8601 in UTC with microseconds (PostgreSQL's precision). */
  occurredAt: string;
}

/** A validated inventory.v1.InventoryChanged, its values normalised exactly as a CSV row of the same kind. */
export type InventoryChange = ChangeVersion & { source: string } & (
    | { kind: 'subscriber-upserted'; subscriber: SubscriberRow }
    | { kind: 'subscriber-closed'; subscriberId: string; reason: ClosureReason }
    | { kind: 'holding-upserted'; holding: HoldingRow }
    | { kind: 'holding-removed'; assetId: string; subscriberId: string }
    | { kind: 'asset-upserted'; asset: AssetRow }
  );

export type InventoryChangeKind = InventoryChange['kind'];
