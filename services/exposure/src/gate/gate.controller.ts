import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  UseFilters,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExposureHttpExceptionFilter } from './exposure-http-exception.filter';
import { GateService, type ApprovalResult } from './gate.service';

const bearer = (authorization: string | undefined) => authorization?.replace(/^Bearer\s+/i, '');

/** Admin API of the release gate (the CLI `npm run gate` calls it; the dashboard will too). */
@Controller('incidents')
@UseFilters(ExposureHttpExceptionFilter)
export class GateController {
  constructor(
    private readonly gate: GateService,
    private readonly dataSource: DataSource,
  ) {}

  @Get(':incidentId')
  async incident(@Param('incidentId') incidentId: string) {
    const incidents: { current_revision: number; paused: boolean }[] = await this.dataSource.query(
      'SELECT "current_revision", "paused" FROM "exposure"."incidents" WHERE "incident_id" = $1',
      [incidentId],
    );
    const incident = incidents[0];
    if (!incident) throw new NotFoundException(`incident ${incidentId} not found`);
    const revisions: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT r."revision", r."status", r."held_reason" AS "heldReason", r."dry_run" AS "dryRun", r."people_affected" AS "peopleAffected",
              r."events", r."policy_version" AS "policyVersion", r."regulator_deadline_at" AS "regulatorDeadlineAt",
              r."summary", r."compute_ms" AS "computeMs", r."released_at" AS "releasedAt", r."published_events" AS "published",
              r."fanned_out_at" AS "fannedOutAt",
              coalesce((SELECT array_agg(a."approver" ORDER BY a."approved_at") FROM "exposure"."release_approvals" a
                        WHERE a."incident_id" = r."incident_id" AND a."revision" = r."revision"), '{}') AS "approvals"
       FROM "exposure"."revisions" r WHERE r."incident_id" = $1 ORDER BY r."revision"`,
      [incidentId],
    );
    return { incidentId, currentRevision: incident.current_revision, paused: incident.paused, revisions };
  }

  @Post(':incidentId/revisions/:revision/approvals')
  @HttpCode(200)
  approve(
    @Param('incidentId') incidentId: string,
    @Param('revision', ParseIntPipe) revision: number,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<ApprovalResult> {
    return this.gate.approve(incidentId, revision, this.gate.authenticate(bearer(authorization)));
  }

  @Post(':incidentId/pause')
  @HttpCode(200)
  async pause(
    @Param('incidentId') incidentId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: { reason?: string } = {},
  ) {
    await this.gate.setPaused(incidentId, true, this.gate.authenticate(bearer(authorization)), body?.reason ?? '');
    return { incidentId, paused: true };
  }

  @Post(':incidentId/resume')
  @HttpCode(200)
  async resume(
    @Param('incidentId') incidentId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: { reason?: string } = {},
  ) {
    await this.gate.setPaused(incidentId, false, this.gate.authenticate(bearer(authorization)), body?.reason ?? '');
    return { incidentId, paused: false };
  }
}
