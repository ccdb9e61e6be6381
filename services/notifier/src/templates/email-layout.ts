import type { EmailContent, Language } from './template';
import { escapeHtml } from './vocabulary';

export interface EmailSection {
  title: string;
  paragraphs: string[];
  items?: string[];
}

export interface EmailDocument {
  subject: string;
  heading: string;
  sections: EmailSection[];
  /** Last line, e.g. the reference code again. */
  closing: string;
}

const URDU_FONTS = "'Noto Nastaliq Urdu', 'Jameel Noori Nastaleeq', 'Urdu Typesetting', serif";
const LATIN_FONTS = 'Arial, Helvetica, sans-serif';

/** One document, two renderings: plain text and HTML (right to left, Nastaliq, for Urdu). */
export function renderEmail(document: EmailDocument, language: Language): EmailContent {
  const text = [
    document.heading,
    '',
    ...document.sections.flatMap((section) => [
      section.title,
      ...section.paragraphs,
      ...(section.items ?? []).map((item) => `  - ${item}`),
      '',
    ]),
    document.closing,
  ].join('\n');

  const rtl = language === 'ur';
  const fonts = rtl ? URDU_FONTS : LATIN_FONTS;
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${language}" dir="${rtl ? 'rtl' : 'ltr'}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(document.subject)}</title></head>`,
    `<body style="font-family: ${fonts}; line-height: ${rtl ? '2.2' : '1.5'}; text-align: ${rtl ? 'right' : 'left'}; color: #1a1a1a; max-width: 640px;">`,
    `<h1 style="font-size: 1.3em;">${escapeHtml(document.heading)}</h1>`,
    ...document.sections.flatMap((section) => [
      `<h2 style="font-size: 1.1em;">${escapeHtml(section.title)}</h2>`,
      ...section.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
      ...(section.items && section.items.length > 0
        ? [`<ul>${section.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`]
        : []),
    ]),
    `<p><strong>${escapeHtml(document.closing)}</strong></p>`,
    '</body></html>',
  ].join('\n');
  return { subject: document.subject, text, html };
}
