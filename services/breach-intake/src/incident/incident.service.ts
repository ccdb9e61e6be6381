import { DomainException } from '@bnp/errors';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import { IntakeErrorCode } from './incident.exception';
import { incidentRevisionAcceptedMessage } from './incident-revision.mapper';
import { IncidentRepository } from './incident.repository';
import type { ReportedRevision } from './reported-revision';

export type RecordOutcome = 'applied' | 'stale' | 'duplicate';

export interface SourcePosition {
  partition: number;
  offset: string;
}

/**
 * Keeps every revision of every incident. A revision is applied (and announced downstream) only if it
 * is newer than the incident's current one; an older one is kept as history and changes nothing; the
 * same revision again is a no-op; the same revision number with other content is refused.
 */
@Injectable()
export class IncidentService {
  constructor(
    private readonly incidents: IncidentRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(revision: ReportedRevision, source: SourcePosition): Promise<RecordOutcome> {
    const outcome = await this.incidents.inTransaction(async (tx) => {
      const incident = await tx.lockIncident(revision.incidentId);

      const sameRevision = await tx.findRevision(revision.incidentId, revision.revision);
      if (sameRevision) {
        if (sameRevision.contentSha256 === revision.contentSha256) return 'duplicate';
        throw new DomainException(
          IntakeErrorCode.RevisionConflict,
          `revision ${revision.revision} of incident ${revision.incidentId} was already received with different content`,
        );
      }
      if (await tx.findRevisionByEventId(revision.eventId)) {
        throw new DomainException(
          IntakeErrorCode.EventIdReused,
          `event id ${revision.eventId} was already used by another revision`,
        );
      }

      const isNewer = !incident || revision.revision > incident.currentRevision;
      const id = randomUUID();
      await tx.insertRevision({
        id,
        incidentId: revision.incidentId,
        revision: revision.revision,
        eventId: revision.eventId,
        contentSha256: revision.contentSha256,
        status: isNewer ? 'APPLIED' : 'STALE',
        reportedAt: revision.reportedAt,
        detectedAt: revision.detectedAt,
        occurredFrom: revision.occurredFrom,
        occurredTo: revision.occurredTo,
        attackVectors: revision.attackVectors,
        severity: revision.severity,
        summary: revision.summary,
        jurisdiction: revision.jurisdiction,
        assets: revision.assets,
        dryRun: revision.dryRun,
        reporter: revision.reporter,
        sourceFormat: revision.sourceFormat,
        sourcePartition: source.partition,
        sourceOffset: source.offset,
        receivedAt: new Date(),
      });
      if (!isNewer) return 'stale';

      await tx.saveIncident({
        incidentId: revision.incidentId,
        currentRevision: revision.revision,
        currentRevisionId: id,
        jurisdiction: revision.jurisdiction,
        detectedAt: revision.detectedAt,
      });
      await tx.appendOutbox([incidentRevisionAcceptedMessage(revision, id, incident?.currentRevision ?? 0)]);
      return 'applied';
    });
    this.logger.info(
      {
        incidentId: revision.incidentId,
        revision: revision.revision,
        eventId: revision.eventId,
        outcome,
        format: revision.sourceFormat,
      },
      'breach event recorded',
    );
    return outcome;
  }
}
