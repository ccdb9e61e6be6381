import { createHash } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CompactSign, importJWK, type JWK } from 'jose';
import type { Principal } from '@bnp/auth';
import { OBLIGATIONS } from '@bnp/obligations';
import type { RegulatorApiConfig } from '../config';
import { FiguresRepository } from '../figures/figures.repository';
import { LogClient } from '../figures/log-client';
import { ReportsRepository } from '../submission/reports.repository';
import { REGULATOR_CONFIG } from '../tokens';
import { composeReport } from './compose-report';
import type { ReportDocument, ReportKind } from './report-document';
import { renderReportPdf } from './report-pdf';

/**
 * Reports per incident: who may see which (a regulator only its jurisdiction's; another's is "not
 * found", no oracle), their composition from live figures, and filing: one signed JWS per regulator
 * the applicable obligations name, stored and then sent by the submission worker.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly figures: FiguresRepository,
    private readonly reports: ReportsRepository,
    private readonly log: LogClient,
    @Inject(REGULATOR_CONFIG) private readonly config: RegulatorApiConfig,
  ) {}

  /** The incident's jurisdiction if this principal may see it; 404 otherwise (also for unknown incidents). */
  async visibleJurisdiction(principal: Principal, incidentId: string): Promise<string> {
    const jurisdiction = await this.figures.jurisdictionOf(incidentId);
    const visible =
      jurisdiction !== null &&
      (principal.permissions.has('incident:read') ||
        (principal.jurisdiction !== null && principal.jurisdiction === jurisdiction));
    if (!visible) throw new NotFoundException(`incident ${incidentId} not found`);
    return jurisdiction;
  }

  async document(incidentId: string, kind: ReportKind, now = new Date()): Promise<ReportDocument> {
    const figures = await this.figures.figures(incidentId);
    if (!figures) throw new NotFoundException(`incident ${incidentId} not found`);
    const filed = await this.reports.forIncident(incidentId);
    const primary = OBLIGATIONS.jurisdictions[figures.jurisdiction]?.primaryRegulator;
    const reportedAt =
      filed
        .filter((report) => report.state === 'filed' && report.regulator_id === primary && report.filed_at)
        .map((report) => report.filed_at!)
        .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    return composeReport(
      { ...figures, checkpoint: await this.log.checkpoint() },
      { kind, rules: OBLIGATIONS, operator: this.config.operator, reportedAt, now },
    );
  }

  /** Files the report with every regulator its applicable obligations name. Idempotent per (incident, revision, kind, regulator). */
  async file(incidentId: string, kind: ReportKind): Promise<{ reportId: string; created: boolean }[]> {
    const doc = await this.document(incidentId, kind);
    const pdf = await renderReportPdf(doc);
    const key = await importJWK(this.config.signingJwk as unknown as JWK, 'EdDSA');
    const byRegulator = new Map<string, string[]>();
    for (const obligation of doc.obligations)
      if (obligation.recipient)
        byRegulator.set(obligation.recipient.id, [
          ...(byRegulator.get(obligation.recipient.id) ?? []),
          obligation.obligationId,
        ]);
    const results = [];
    for (const [regulatorId, obligationIds] of byRegulator) {
      const reportId = `${doc.incidentId}/${doc.revision}/${kind}/${regulatorId}`;
      const payload = {
        reportId,
        incidentId: doc.incidentId,
        revision: doc.revision,
        kind,
        jurisdiction: doc.jurisdiction,
        regulatorId,
        obligationIds,
        rulesVersion: doc.rulesVersion,
        pdfSha256: createHash('sha256').update(pdf).digest('hex'),
        report: doc,
      };
      const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({
          alg: 'EdDSA',
          typ: 'bnp-breach-report+jws',
          ...(typeof this.config.signingJwk['kid'] === 'string' ? { kid: this.config.signingJwk['kid'] } : {}),
        })
        .sign(key);
      const created = await this.reports.insert({
        reportId,
        incidentId: doc.incidentId,
        revision: doc.revision,
        kind,
        jurisdiction: doc.jurisdiction,
        regulatorId,
        obligationIds,
        jws,
      });
      results.push({ reportId, created });
    }
    return results;
  }
}
