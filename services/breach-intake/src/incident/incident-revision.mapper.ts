import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { IncidentRevisionAcceptedSchema, ScopedAssetSchema, Topics, encodeMessage } from '@bnp/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { OutboxMessage } from '@bnp/messaging';
import type { NormalizedScope, ReportedRevision } from './reported-revision';

type ScopeInit = MessageInitShape<typeof ScopedAssetSchema>['scope'];

/** The downstream announcement of an applied revision, as an outbox row keyed by incident. */
export function incidentRevisionAcceptedMessage(
  revision: ReportedRevision,
  revisionId: string,
  previousRevision: number,
): OutboxMessage {
  const payload = encodeMessage(IncidentRevisionAcceptedSchema, {
    incidentId: revision.incidentId,
    revision: revision.revision,
    revisionId,
    eventId: revision.eventId,
    reportedAt: timestampFromDate(revision.reportedAt),
    detectedAt: timestampFromDate(revision.detectedAt),
    occurredFrom: revision.occurredFrom ? timestampFromDate(revision.occurredFrom) : undefined,
    occurredTo: timestampFromDate(revision.occurredTo),
    attackVectors: revision.attackVectors,
    severity: revision.severity,
    summary: revision.summary,
    jurisdiction: revision.jurisdiction,
    assets: revision.assets.map((asset) => ({
      assetId: asset.assetId,
      categories: asset.categories,
      scope: toScope(asset.scope),
    })),
    dryRun: revision.dryRun,
    previousRevision,
    reporter: revision.reporter,
  });
  return {
    topic: Topics.incidentRevisions,
    key: revision.incidentId,
    payload,
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'incident.v1.IncidentRevisionAccepted' },
  };
}

function toScope(scope: NormalizedScope): ScopeInit {
  switch (scope.kind) {
    case 'all':
      return { case: 'all', value: true };
    case 'regions':
      return { case: 'regions', value: { regions: scope.regions } };
    case 'time_window':
      return {
        case: 'timeWindow',
        value: { from: timestampFromDate(new Date(scope.from)), to: timestampFromDate(new Date(scope.to)) },
      };
    case 'subscriber_ids':
      return { case: 'subscriberIds', value: { values: scope.subscriberIds } };
    case 'msisdns':
      return {
        case: 'msisdnBlindIndexes',
        value: { values: scope.msisdnBlindIndexes.map((hex) => Buffer.from(hex, 'hex')) },
      };
    case 'list_ref':
      return { case: 'listRef', value: { listId: scope.listId, sha256: scope.sha256, kind: scope.listKind } };
  }
}
