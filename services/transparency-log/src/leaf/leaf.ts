import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  ExposureChange,
  LogChannel,
  LogEntryKind,
  PiiCategory,
  RiskTier,
  type NotificationLogEntry,
  type PersonExposed,
} from '@bnp/contracts';
import { canonicalBytes, hashLeaf, MAX_ENTRY_BYTES, type CanonicalValue } from '@bnp/tlog';
import type { Pseudonymizer } from './pseudonymizer';

/**
 * A log entry as appended: its canonical bytes and what the log keeps beside them to find it. The
 * bytes are RFC 8785 JSON (docs/adr/0014-transparency-log.md): "v" (format version, 1), "type", and
 * the fields below; empty fields are left out; ids of people, subjects and exposures are keyed
 * pseudonyms; recipients appear only masked; the content only as the producer's keyed HMAC.
 */
export interface Leaf {
  /** Unique per entry: the same id is never appended twice. */
  entryId: string;
  kind: 'notification' | 'exposure_decision';
  incidentId: string;
  data: Buffer;
  leafHash: Buffer;
}

export class LeafTooLargeError extends Error {
  override name = 'LeafTooLargeError';
}

function iso(timestamp: Timestamp | undefined): string | undefined {
  return timestamp ? timestampDate(timestamp).toISOString() : undefined;
}

/** An enum value by its proto name without the enum's prefix, lower case: RiskTier.HIGH -> "high". */
function enumName<E extends Record<string, string | number>>(values: E, value: number): string {
  const name = (values as Record<number, string | undefined>)[value];
  return (name ?? String(value)).toLowerCase();
}

function compact(fields: Record<string, CanonicalValue | undefined>): { [key: string]: CanonicalValue } {
  const out: { [key: string]: CanonicalValue } = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

function leaf(
  entryId: string,
  kind: Leaf['kind'],
  incidentId: string,
  fields: Record<string, CanonicalValue | undefined>,
): Leaf {
  const data = canonicalBytes(compact({ v: 1, type: kind, ...fields }));
  if (data.length > MAX_ENTRY_BYTES)
    throw new LeafTooLargeError(`entry of ${data.length} bytes exceeds ${MAX_ENTRY_BYTES}`);
  return { entryId, kind, incidentId, data, leafHash: hashLeaf(data) };
}

/** A notice attempt, status change, enrollment or protection command from notification.log.v1. */
export function notificationLeaf(entry: NotificationLogEntry, ids: Pseudonymizer): Leaf {
  return leaf(entry.entryId, 'notification', entry.incidentId, {
    entry_id: entry.entryId,
    occurred_at: iso(entry.occurredAt),
    source: entry.source,
    incident: entry.incidentId,
    revision: entry.revision,
    person: ids.of('person', entry.personId),
    subject: ids.of('subject', entry.subjectId),
    event: enumName(LogEntryKind, entry.kind),
    channel: entry.channel === LogChannel.UNSPECIFIED ? undefined : enumName(LogChannel, entry.channel),
    status: entry.status,
    template_id: entry.templateId,
    template_version: entry.templateVersion,
    content_hmac: entry.contentHmac,
    provider_ref: entry.providerRef,
    recipient: entry.recipientMasked,
    error_code: entry.errorCode,
  });
}

/**
 * The exposure service's decision about one person in one revision of an incident (exposure.v1):
 * enough to re-derive figures by tier, category and jurisdiction, and nothing that names the person.
 */
export function exposureDecisionLeaf(event: PersonExposed, ids: Pseudonymizer): Leaf {
  const exposure = ids.of('exposure', `${event.exposureId}\n${event.revision}`);
  return leaf(`exposure:${exposure}`, 'exposure_decision', event.incidentId, {
    exposure,
    incident: event.incidentId,
    revision: event.revision,
    person: ids.of('person', event.personId),
    change: enumName(ExposureChange, event.change),
    tier: enumName(RiskTier, event.tier),
    categories: event.categories.map((category) => enumName(PiiCategory, category)).sort(),
    new_categories: event.newCategories.map((category) => enumName(PiiCategory, category)).sort(),
    policy_version: event.policyVersion,
    policy_rule: event.policyRule,
    jurisdiction: event.jurisdiction,
    detected_at: iso(event.detectedAt),
    dry_run: event.dryRun ? true : undefined,
    notice_already_sent: event.noticeAlreadySent ? true : undefined,
  });
}
