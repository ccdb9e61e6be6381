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
import { ACCESS_RECORDED, accessDraft, type RecordedRequest } from '@bnp/access-audit';
import { Actor, RequirePermission, staffPrincipal, type AccessActor } from '@bnp/auth';
import { approvalRequestSchema, controlRequestSchema, parseGateBody } from './dto/gate.dto';
import { ExposureHttpExceptionFilter } from './exposure-http-exception.filter';
import { GateService, type ApprovalResult, type IncidentView } from './gate.service';

/** Admin API of the release gate (the demo and the CLI call it; the console will too). */
@Controller('incidents')
@UseFilters(ExposureHttpExceptionFilter)
export class GateController {
  constructor(private readonly gate: GateService) {}

  /** Counts and statuses, no personal data; each revision's summaryHash is what an approval must name. */
  @Get(':incidentId')
  @RequirePermission('incident:read')
  async incident(@Param('incidentId') incidentId: string): Promise<IncidentView> {
    const incident = await this.gate.incident(incidentId);
    if (!incident) throw new NotFoundException(`incident ${incidentId} not found`);
    return incident;
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
