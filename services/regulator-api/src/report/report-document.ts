import type { Deadline, ReportElement, Regulator } from '@bnp/obligations';

export type ReportKind = 'initial' | 'update' | 'final';

/** The transparency-log checkpoint the figures were computed at: every figure can be re-derived from the log. */
export interface CheckpointRef {
  origin: string;
  treeSize: number;
  rootHash: string;
}

/** Everything a report says. Built from figures (report-figures.ts); rendered as HTML and PDF. */
export interface ReportDocument {
  kind: ReportKind;
  incidentId: string;
  revision: number;
  jurisdiction: string;
  jurisdictionName: string;
  operatorName: string;
  recipient: Regulator;
  rulesVersion: string;
  generatedAt: Date;
  /** The regulator obligations this report answers, with their clocks. */
  obligations: Deadline[];
  nature: string;
  attackVectors: string[];
  categories: { name: string; people: number }[];
  approximatePeople: number;
  approximateRecords: number;
  consequences: string[];
  measuresTaken: string[];
  measuresProposed: string[];
  contact: { name: string; email: string; phone: string };
  timeline: {
    occurredTo: Date | null;
    detectedAt: Date;
    reportedAt: Date | null;
    firstNoticeAt: Date | null;
    /** Share of affected people with a notice sent by 24, 48 and 72 hours after detection; null while in the future. */
    notifiedShare: { hours: 24 | 48 | 72; percent: number | null }[];
  };
  notices: {
    byChannel: Record<string, number>;
    byStatus: Record<string, number>;
    byTier: Record<string, number>;
    byRegion: Record<string, number>;
  };
  unreachable: number;
  substitutePlan: string;
  /** Null until the transparency log has a checkpoint covering the figures. */
  checkpoint: CheckpointRef | null;
}

export interface ReportSection {
  element: ReportElement | 'obligations';
  title: string;
  lines: string[];
}

/** The headings a regulator sees; specs look for exactly these in the PDF's text. */
export const SECTION_TITLES: Record<ReportElement | 'obligations', string> = {
  obligations: 'Obligations answered',
  nature: 'Nature of the breach',
  'attack-vectors': 'Attack vectors',
  categories: 'Categories of data and people concerned',
  'approximate-people': 'Approximate number of people',
  'approximate-records': 'Approximate number of records',
  consequences: 'Likely consequences',
  measures: 'Measures taken and proposed',
  'contact-point': 'Contact point',
  timeline: 'Timeline',
  notices: 'Notices by channel, status, tier and region',
  unreachable: 'Unreachable people and substitute notice',
  'log-checkpoint': 'Transparency log checkpoint',
};

const KIND_TITLES: Record<ReportKind, string> = {
  initial: 'Initial report',
  update: 'Update report',
  final: 'Final report',
};

export function reportTitle(doc: ReportDocument): string {
  return `${KIND_TITLES[doc.kind]}: personal data breach ${doc.incidentId} (revision ${doc.revision})`;
}

export const iso = (date: Date | null): string => (date ? date.toISOString().replace('.000Z', 'Z') : 'not yet');
const number = (value: number): string => value.toLocaleString('en-US');
const counts = (label: string, values: Record<string, number>): string =>
  `${label}: ${
    Object.entries(values)
      .map(([key, value]) => `${key} ${number(value)}`)
      .join(', ') || 'none yet'
  }`;

/** The report as ordered sections, the one layout both the HTML and the PDF render. */
export function reportSections(doc: ReportDocument): ReportSection[] {
  const section = (element: ReportSection['element'], lines: string[]): ReportSection => ({
    element,
    title: SECTION_TITLES[element],
    lines,
  });
  return [
    section(
      'obligations',
      doc.obligations.map(
        (d) =>
          `${d.obligationId} to ${d.recipient?.name ?? 'individuals'}: ${d.rule}, due ${iso(d.dueAt)} ` +
          `(${d.status}${d.effectiveDate ? `, effective ${d.effectiveDate}` : ''}). ${d.source}.`,
      ),
    ),
    section('nature', [doc.nature]),
    section('attack-vectors', doc.attackVectors.length > 0 ? doc.attackVectors : ['under investigation']),
    section(
      'categories',
      doc.categories.map((category) => `${category.name}: about ${number(category.people)} people`),
    ),
    section('approximate-people', [`About ${number(doc.approximatePeople)} people affected.`]),
    section('approximate-records', [`About ${number(doc.approximateRecords)} subscriber records affected.`]),
    section('consequences', doc.consequences),
    section('measures', [
      ...doc.measuresTaken.map((measure) => `Taken: ${measure}`),
      ...doc.measuresProposed.map((measure) => `Proposed: ${measure}`),
    ]),
    section('contact-point', [`${doc.contact.name}, ${doc.contact.email}, ${doc.contact.phone}`]),
    section('timeline', [
      `Access until: ${iso(doc.timeline.occurredTo)}`,
      `Detected: ${iso(doc.timeline.detectedAt)}`,
      `Reported to ${doc.recipient.short}: ${iso(doc.timeline.reportedAt)}`,
      `First notice sent: ${iso(doc.timeline.firstNoticeAt)}`,
      ...doc.timeline.notifiedShare.map(
        (share) =>
          `Notified by ${share.hours} h: ${share.percent === null ? 'not yet reached' : `${share.percent.toFixed(1)}%`}`,
      ),
    ]),
    section('notices', [
      counts('By channel', doc.notices.byChannel),
      counts('By status', doc.notices.byStatus),
      counts('By tier', doc.notices.byTier),
      counts('By region', doc.notices.byRegion),
    ]),
    section('unreachable', [
      `Unreachable: ${number(doc.unreachable)} people.`,
      `Substitute notice: ${doc.substitutePlan}`,
    ]),
    section(
      'log-checkpoint',
      doc.checkpoint
        ? [
            `Origin: ${doc.checkpoint.origin}`,
            `Tree size: ${doc.checkpoint.treeSize}`,
            `Root hash: ${doc.checkpoint.rootHash}`,
          ]
        : ['Checkpoint: pending (the transparency log has not yet covered these figures)'],
    ),
  ];
}
