import type { ListKind, PiiCategory, Region } from '@bnp/contracts';

/** The scope of one compromised asset after normalisation; MSISDNs are only kept as blind indexes. */
export type NormalizedScope =
  | { kind: 'all' }
  | { kind: 'regions'; regions: Region[] }
  | { kind: 'time_window'; from: string; to: string }
  | { kind: 'subscriber_ids'; subscriberIds: string[] }
  | { kind: 'msisdns'; msisdnBlindIndexes: string[] }
  | { kind: 'list_ref'; listId: string; sha256: string; listKind: ListKind };

export interface NormalizedAsset {
  assetId: string;
  categories: PiiCategory[];
  scope: NormalizedScope;
}

export type SourceFormat =
  'protobuf' | 'cloudevents-binary-json' | 'cloudevents-binary-protobuf' | 'cloudevents-structured';

/** A validated, normalised breach report revision, ready to be stored. Holds no plain personal data. */
export interface ReportedRevision {
  eventId: string;
  incidentId: string;
  revision: number;
  reportedAt: Date;
  detectedAt: Date;
  occurredFrom: Date | null;
  occurredTo: Date;
  attackVectors: number[];
  severity: number;
  summary: string;
  jurisdiction: string;
  assets: NormalizedAsset[];
  dryRun: boolean;
  reporter: string;
  sourceFormat: SourceFormat;
  /** sha256 of the revision's content (everything but event id and report time). */
  contentSha256: string;
}
