import { createHash } from 'node:crypto';

/** What an approver is shown of a revision before approving it. */
export interface RevisionSummaryFields {
  incidentId: string;
  revision: number;
  dryRun: boolean;
  peopleAffected: number;
  events: number;
  policyVersion: string;
  summary: unknown;
}

/**
 * sha256 of the revision summary, over a canonical JSON (keys sorted), so the GET that shows it and the
 * approval that names it agree; an approval naming an older hash is refused (the summary changed since).
 */
export function revisionSummaryHash(fields: RevisionSummaryFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
