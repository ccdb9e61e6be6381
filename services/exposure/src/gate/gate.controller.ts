import { Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, Post, UseFilters } from '@nestjs/common';
import { ExposureHttpExceptionFilter } from './exposure-http-exception.filter';
import { GateService, type ApprovalResult } from './gate.service';

const bearer = (authorization: string | undefined) => authorization?.replace(/^Bearer\s+/i, '');

/** Admin API of the release gate (the CLI `npm run gate` calls it; the dashboard will too). */
@Controller('incidents')
@UseFilters(ExposureHttpExceptionFilter)
export class GateController {
  constructor(private readonly gate: GateService) {}

  @Get(':incidentId')
  async incident(@Param('incidentId') incidentId: string) {
    return { incidentId, ...(await this.gate.incident(incidentId)) };
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
