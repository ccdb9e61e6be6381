import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Req,
  UseFilters,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACCESS_RECORDED, accessDraft, type RecordedRequest } from '@bnp/access-audit';
import { Actor, RequirePermission, staffPrincipal, type AccessActor } from '@bnp/auth';
import { approvalRequestSchema, controlRequestSchema, parseGateBody } from './dto/gate.dto';
import { ExposureHttpExceptionFilter } from './exposure-http-exception.filter';
import { GateService, summaryFields, type ApprovalResult } from './gate.service';
import { revisionSummaryHash } from './revision-summary';

/** Admin API of the release gate (the demo and the CLI call it; the console will too). */
@Controller('incidents')
@UseFilters(ExposureHttpExceptionFilter)
export class GateController {
  constructor(
    private readonly gate: GateService,
    private readonly dataSource: DataSource,
  ) {}

  /** Counts and statuses, no personal data; each revision's summaryHash is what an approval must name. */
  @Get(':incidentId')
  @RequirePermission('incident:read')
  async incident(@Param('incidentId') incidentId: string) {
    const incidents: { current_revision: number; paused: boolean }[] = await this.dataSource.query(
      'SELECT "current_revision", "paused" FROM "exposure"."incidents" WHERE "incident_id" = $1',
      [incidentId],
    );
    const incident = incidents[0];
    if (!incident) throw new NotFoundException(`incident ${incidentId} not found`);
    const rows: (Record<string, unknown> & Parameters<typeof summaryFields>[2] & { revision: number })[] =
      await this.dataSource.query(
        `SELECT r."revision", r."status", r."held_reason" AS "heldReason", r."dry_run", r."people_affected",
              r."events", r."policy_version", r."regulator_deadline_at" AS "regulatorDeadlineAt",
              r."summary", r."compute_ms" AS "computeMs", r."released_at" AS "releasedAt", r."published_events" AS "published",
              r."fanned_out_at" AS "fannedOutAt",
              coalesce((SELECT json_agg(json_build_object('subject', a."approver", 'displayName', a."display_name",
                                                          'approvedAt', a."approved_at", 'summaryHash', a."summary_sha256")
                                        ORDER BY a."approved_at")
                        FROM "exposure"."release_approvals" a
                        WHERE a."incident_id" = r."incident_id" AND a."revision" = r."revision"), '[]') AS "approvals"
       FROM "exposure"."revisions" r WHERE r."incident_id" = $1 ORDER BY r."revision"`,
        [incidentId],
      );
    const revisions = rows.map(({ dry_run, people_affected, events, policy_version, ...rest }) => ({
      ...rest,
      dryRun: dry_run,
      peopleAffected: people_affected,
      events,
      policyVersion: policy_version,
      summaryHash: revisionSummaryHash(
        summaryFields(incidentId, rest.revision, {
          dry_run,
          people_affected,
          events,
          policy_version,
          summary: rest.summary,
        }),
      ),
    }));
    return { incidentId, currentRevision: incident.current_revision, paused: incident.paused, revisions };
  }

  @Post(':incidentId/revisions/:revision/approvals')
  @HttpCode(200)
  @RequirePermission('incident:release')
  async approve(
    @Param('incidentId') incidentId: string,
    @Param('revision', ParseIntPipe) revision: number,
    @Body() body: unknown,
    @Actor() actor: AccessActor,
    @Req() request: RecordedRequest,
  ): Promise<ApprovalResult> {
    const { summaryHash } = parseGateBody(approvalRequestSchema, body);
    const result = await this.gate.approve(
      incidentId,
      revision,
      staffPrincipal(actor),
      summaryHash,
      accessDraft(request, actor),
    );
    request[ACCESS_RECORDED] = true;
    return result;
  }

  @Post(':incidentId/pause')
  @HttpCode(200)
  @RequirePermission('incident:pause')
  async pause(
    @Param('incidentId') incidentId: string,
    @Body() body: unknown,
    @Actor() actor: AccessActor,
    @Req() request: RecordedRequest,
  ) {
    const { reason } = parseGateBody(controlRequestSchema, body);
    await this.gate.setPaused(incidentId, true, staffPrincipal(actor), reason, accessDraft(request, actor, reason));
    request[ACCESS_RECORDED] = true;
    return { incidentId, paused: true };
  }

  @Post(':incidentId/resume')
  @HttpCode(200)
  @RequirePermission('incident:resume')
  async resume(
    @Param('incidentId') incidentId: string,
    @Body() body: unknown,
    @Actor() actor: AccessActor,
    @Req() request: RecordedRequest,
  ) {
    const { reason } = parseGateBody(controlRequestSchema, body);
    await this.gate.setPaused(incidentId, false, staffPrincipal(actor), reason, accessDraft(request, actor, reason));
    request[ACCESS_RECORDED] = true;
    return { incidentId, paused: false };
  }
}
