import { BadRequestException, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, RequirePermission, staffPrincipal, type AccessActor } from '@bnp/auth';
import { DeadlineClockService } from '../clock/deadline-clock.service';
import { FiguresRepository } from '../figures/figures.repository';
import type { ReportKind } from '../report/report-document';
import { renderReportHtml } from '../report/report-html';
import { renderReportPdf } from '../report/report-pdf';
import { ReportService } from '../report/report.service';
import { ReportsRepository } from '../submission/reports.repository';
import { SubmissionWorker } from '../submission/submission.worker';

const READ = ['incident:read', 'incident:read-own-jurisdiction'] as const;

function reportKind(value: unknown): ReportKind {
  if (value === undefined) return 'initial';
  if (value === 'initial' || value === 'update' || value === 'final') return value;
  throw new BadRequestException('kind must be initial, update or final');
}

/**
 * What a regulator sees of an incident of its jurisdiction (staff with incident:read see all): figures,
 * deadline clocks, reports as HTML and PDF, and the portal's receipts. No personal data anywhere.
 */
@Controller('incidents')
export class RegulatorController {
  constructor(
    private readonly reports: ReportService,
    private readonly stored: ReportsRepository,
    private readonly figures: FiguresRepository,
    private readonly clocks: DeadlineClockService,
    private readonly submissions: SubmissionWorker,
  ) {}

  @Get()
  @RequirePermission([...READ])
  async list(@Actor() actor: AccessActor) {
    const principal = staffPrincipal(actor);
    if (!principal.permissions.has('incident:read') && principal.jurisdiction === null) return { incidents: [] };
    const scope = principal.permissions.has('incident:read') ? null : principal.jurisdiction;
    const incidents = await this.figures.incidents(scope);
    return { incidents: incidents.map((incident) => ({ ...incident, detectedAt: incident.detectedAt.toISOString() })) };
  }

  @Get(':incidentId/figures')
  @RequirePermission([...READ])
  async figuresOf(@Param('incidentId') incidentId: string, @Actor() actor: AccessActor) {
    await this.reports.visibleJurisdiction(staffPrincipal(actor), incidentId);
    return this.reports.document(incidentId, 'update');
  }

  @Get(':incidentId/clocks')
  @RequirePermission([...READ])
  async clocksOf(@Param('incidentId') incidentId: string, @Actor() actor: AccessActor) {
    await this.reports.visibleJurisdiction(staffPrincipal(actor), incidentId);
    return { incidentId, clocks: await this.clocks.clocks(incidentId) };
  }

  @Get(':incidentId/report.html')
  @RequirePermission([...READ])
  async html(
    @Param('incidentId') incidentId: string,
    @Query('kind') kind: unknown,
    @Actor() actor: AccessActor,
    @Res() res: Response,
  ): Promise<void> {
    await this.reports.visibleJurisdiction(staffPrincipal(actor), incidentId);
    const doc = await this.reports.document(incidentId, reportKind(kind));
    res.type('text/html; charset=utf-8').send(renderReportHtml(doc));
  }

  @Get(':incidentId/report.pdf')
  @RequirePermission([...READ])
  async pdf(
    @Param('incidentId') incidentId: string,
    @Query('kind') kind: unknown,
    @Actor() actor: AccessActor,
    @Res() res: Response,
  ): Promise<void> {
    await this.reports.visibleJurisdiction(staffPrincipal(actor), incidentId);
    const doc = await this.reports.document(incidentId, reportKind(kind));
    res
      .type('application/pdf')
      .set('content-disposition', `inline; filename="${encodeURIComponent(incidentId)}-${doc.kind}.pdf"`)
      .send(await renderReportPdf(doc));
  }

  @Get(':incidentId/receipts')
  @RequirePermission([...READ])
  async receipts(@Param('incidentId') incidentId: string, @Actor() actor: AccessActor) {
    await this.reports.visibleJurisdiction(staffPrincipal(actor), incidentId);
    const reports = await this.stored.forIncident(incidentId);
    return {
      incidentId,
      reports: reports.map((report) => ({
        reportId: report.report_id,
        kind: report.kind,
        revision: report.revision,
        regulatorId: report.regulator_id,
        obligationIds: report.obligation_ids,
        state: report.state,
        attempts: report.attempts,
        lastError: report.last_error,
        receiptId: report.receipt_id,
        filedAt: report.filed_at?.toISOString() ?? null,
      })),
    };
  }

  /** The operator files a report (signed, then sent until a receipt comes back). Regulators cannot. */
  @Post(':incidentId/reports')
  @RequirePermission('report:file')
  async file(@Param('incidentId') incidentId: string, @Query('kind') kind: unknown) {
    const filed = await this.reports.file(incidentId, reportKind(kind));
    this.submissions.wakeUp();
    return { incidentId, reports: filed };
  }
}
