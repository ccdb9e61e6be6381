import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { Actor, RequirePermission, staffPrincipal, type AccessActor } from '@bnp/auth';
import { IncidentRepository } from './incident.repository';

/** Read-only view of incidents and their revision history (no personal data in either). */
@Controller('incidents')
export class IncidentController {
  constructor(private readonly incidents: IncidentRepository) {}

  /** Staff see every incident; a regulator only those of their jurisdiction (another's is "not found", no oracle). */
  @Get(':incidentId')
  @RequirePermission(['incident:read', 'incident:read-own-jurisdiction'])
  async get(@Param('incidentId') incidentId: string, @Actor() actor: AccessActor) {
    const principal = staffPrincipal(actor);
    const incident = await this.incidents.findIncident(incidentId);
    const visible =
      incident &&
      (principal.permissions.has('incident:read') ||
        (principal.jurisdiction !== null && principal.jurisdiction === incident.jurisdiction));
    if (!visible) throw new NotFoundException(`incident ${incidentId} not found`);
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
