import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OBLIGATIONS, type ReportElement } from '@bnp/obligations';
import { composeReport } from './compose-report';
import { SECTION_TITLES } from './report-document';
import { renderReportHtml } from './report-html';
import { renderReportPdf } from './report-pdf';
import { incidentFigures, operatorProfile } from './report.factory';

const now = new Date('2026-12-05T06:00:00Z'); // 96 h after detection: every share is known
const dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));

/** The PDF's text as a reader's tool extracts it (poppler's pdftotext), whitespace collapsed. */
function pdfText(pdf: Buffer, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

describe(renderReportPdf.name, () => {
  const sut = renderReportPdf;

  it.each(Object.keys(OBLIGATIONS.jurisdictions))(
    'says everything the %s rules require, in readable text',
    async (code) => {
      const doc = composeReport(incidentFigures({ jurisdiction: code }), {
        kind: 'initial',
        rules: OBLIGATIONS,
        operator: operatorProfile,
        reportedAt: null,
        now,
      });
      const required = new Set<ReportElement>(doc.obligations.flatMap((obligation) => obligation.contents));
      expect(required.size).toBeGreaterThan(0);

      const text = pdfText(await sut(doc), code);

      expect(text).toContain('Initial report: personal data breach INC-2026-0042 (revision 2)');
      expect(text).toContain(doc.recipient.name);
      for (const obligation of doc.obligations) expect(text).toContain(obligation.obligationId);
      for (const element of required) expect(text).toContain(SECTION_TITLES[element]);
      const values: Partial<Record<ReportElement, string[]>> = {
        nature: ['Unauthorised access to customer records held by Example Telecom'],
        'attack-vectors': ['credential stuffing', 'misconfiguration'],
        categories: ['cnic: about 1,200 people', 'call records: about 400 people'],
        'approximate-people': ['About 1,200 people affected.'],
        'approximate-records': ['About 1,530 subscriber records affected.'],
        consequences: ['SIM-swap attempts'],
        measures: ['Taken: the access the attackers used was closed', 'Proposed: monitoring'],
        'contact-point': ['dpo@example-telecom.pk'],
        timeline: [
          'Detected: 2026-12-01T06:00:00Z',
          'First notice sent: 2026-12-01T09:30:00Z',
          'Notified by 24 h: 50.0%',
          'Notified by 48 h: 90.0%',
          'Notified by 72 h: 97.5%',
        ],
        notices: [
          'By channel: sms 1,180, email 640',
          'By status: delivered 1,700, failed 120',
          'By tier: critical 100',
          'By region: punjab 900, sindh 630',
        ],
        unreachable: [
          'Unreachable: 30 people.',
          'Substitute notice: a public notice on https://example-telecom.pk/breach',
        ],
        'log-checkpoint': ['Tree size: 48211', 'Root hash: Qm9vdHN0cmFwcGVkIHJvb3QgaGFzaCBmb3IgdGVzdHM='],
      };
      for (const element of required) for (const value of values[element] ?? []) expect(text).toContain(value);
    },
  );

  it('says when the log checkpoint is still pending rather than leaving it out', async () => {
    const doc = composeReport(incidentFigures({ checkpoint: null }), {
      kind: 'final',
      rules: OBLIGATIONS,
      operator: operatorProfile,
      reportedAt: new Date('2026-12-02T10:00:00Z'),
      now,
    });
    const text = pdfText(await sut(doc), 'pending');
    expect(text).toContain('Final report');
    expect(text).toContain('Checkpoint: pending');
    expect(text).toContain('Reported to PTA: 2026-12-02T10:00:00Z');
  });
});

describe(renderReportHtml.name, () => {
  const sut = renderReportHtml;

  it('has a section per element and escapes what it prints', () => {
    const doc = composeReport(incidentFigures({ incidentId: 'INC-<script>' }), {
      kind: 'update',
      rules: OBLIGATIONS,
      operator: operatorProfile,
      reportedAt: null,
      now: new Date('2026-12-01T12:00:00Z'),
    });
    const html = sut(doc);
    expect(html).toContain('INC-&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<section id="log-checkpoint"><h2>Transparency log checkpoint</h2>');
    expect(html).toContain('Notified by 24 h: not yet reached');
  });
});
