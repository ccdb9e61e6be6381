import { reportSections, reportTitle, iso, type ReportDocument } from './report-document';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The report as a standalone HTML page (no scripts, no external resources). */
export function renderReportHtml(doc: ReportDocument): string {
  const title = reportTitle(doc);
  const sections = reportSections(doc)
    .map(
      (section) =>
        `<section id="${section.element}"><h2>${escape(section.title)}</h2><ul>${section.lines
          .map((line) => `<li>${escape(line)}</li>`)
          .join('')}</ul></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.4}h2{border-bottom:1px solid #ccc}</style>
</head><body>
<h1>${escape(title)}</h1>
<p>From ${escape(doc.operatorName)} to ${escape(doc.recipient.name)} (${escape(doc.jurisdictionName)}), generated ${escape(iso(doc.generatedAt))}, rules version ${escape(doc.rulesVersion)}.</p>
${sections}
</body></html>
`;
}
