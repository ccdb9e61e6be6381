import PDFDocument from 'pdfkit';
import { reportSections, reportTitle, iso, type ReportDocument } from './report-document';

/** The standard PDF fonts cover Latin-1 only: anything else is replaced rather than drawn as garbage. */
const latin1 = (text: string): string => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

/** The report as a PDF (A4, the standard Helvetica fonts), section by section like the HTML. */
export function renderReportPdf(doc: ReportDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: reportTitle(doc), Author: doc.operatorName, Subject: `Report to ${doc.recipient.name}` },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf
    .font('Helvetica-Bold')
    .fontSize(16)
    .text(latin1(reportTitle(doc)));
  pdf
    .moveDown(0.3)
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#444')
    .text(
      latin1(
        `From ${doc.operatorName} to ${doc.recipient.name} (${doc.jurisdictionName}). Generated ${iso(doc.generatedAt)}, rules version ${doc.rulesVersion}.`,
      ),
    )
    .fillColor('black');
  for (const section of reportSections(doc)) {
    pdf.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(latin1(section.title));
    pdf.moveDown(0.2).font('Helvetica').fontSize(10);
    const left = pdf.page.margins.left + 12;
    const width = pdf.page.width - left - pdf.page.margins.right;
    for (const line of section.lines) pdf.text(latin1(`- ${line}`), left, pdf.y, { width, paragraphGap: 2 });
    pdf.x = pdf.page.margins.left;
  }
  pdf.end();
  return done;
}
