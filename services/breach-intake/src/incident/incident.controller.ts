import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { IncidentRepository } from './incident.repository';

/** Read-only view of incidents and their revision history (no personal data in either). */
@Controller('incidents')
export class IncidentController {
  constructor(private readonly incidents: IncidentRepository) {}

  @Get(':incidentId')
  async get(@Param('incidentId') incidentId: string) {
    const incident = await this.incidents.findIncident(incidentId);
    if (!incident) throw new NotFoundException(`incident ${incidentId} not found`);
    const revisions = await this.incidents.listRevisions(incidentId);
    return {
      incidentId: incident.incidentId,
      currentRevision: incident.currentRevision,
      jurisdiction: incident.jurisdiction,
      detectedAt: incident.detectedAt.toISOString(),
      revisions: revisions.map((revision) => ({
        revision: revision.revision,
        status: revision.status,
        eventId: revision.eventId,
        receivedAt: revision.receivedAt.toISOString(),
        dryRun: revision.dryRun,
        assets: revision.assets.length,
        sourceFormat: revision.sourceFormat,
      })),
    };
  }
}
