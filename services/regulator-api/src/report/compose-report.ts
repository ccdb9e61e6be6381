import { AttackVector, PiiCategory, Region } from '@bnp/contracts';
import { deadlinesFor, factsFromExposure, primaryRegulator, type ObligationSet } from '@bnp/obligations';
import type { CheckpointRef, ReportDocument, ReportKind } from './report-document';

/** What the platform knows about an incident, read from the exposure and notice stores (figures.repository.ts). */
export interface IncidentFigures {
  incidentId: string;
  revision: number;
  jurisdiction: string;
  detectedAt: Date;
  occurredTo: Date | null;
  attackVectors: number[];
  peopleAffected: number;
  subscriptionsAffected: number;
  peopleByTier: Record<string, number>;
  /** By PiiCategory enum name (NAME, CNIC, ...), as the exposure summary keeps it. */
  peopleByCategory: Record<string, number>;
  /** By Region enum number, as the exposure summary keeps it. */
  subscriptionsByRegion: Record<string, number>;
  deliveriesByChannel: Record<string, number>;
  deliveriesByStatus: Record<string, number>;
  firstNoticeAt: Date | null;
  /** People with a notice sent by 24/48/72 h after detection. */
  notifiedBy: Record<24 | 48 | 72, number>;
  unreachable: number;
  checkpoint: CheckpointRef | null;
}

export interface OperatorProfile {
  name: string;
  contact: { name: string; email: string; phone: string };
  officialSite: string;
}

const words = (name: string): string => name.toLowerCase().replace(/_/g, ' ');
const CONSEQUENCES: Partial<Record<PiiCategory, string>> = {
  [PiiCategory.CNIC]: 'identity fraud using national identity numbers',
  [PiiCategory.MSISDN]: 'targeted phishing calls and texts; SIM-swap attempts',
  [PiiCategory.IMSI]: 'SIM cloning and SIM-swap attempts',
  [PiiCategory.BANK_ACCOUNT]: 'financial fraud and unauthorised payments',
  [PiiCategory.PAYMENT_CARD]: 'card fraud',
  [PiiCategory.MOBILE_WALLET]: 'theft from mobile wallets',
  [PiiCategory.CALL_RECORDS]: 'exposure of who people talk to, stalking and blackmail',
  [PiiCategory.LOCATION]: 'exposure of where people go, stalking and physical risk',
  [PiiCategory.CREDENTIALS]: 'account takeover',
  [PiiCategory.BIOMETRIC]: 'impersonation with biometric data that cannot be changed',
};

/**
 * A report from figures and the obligation rules: which obligations it answers (applicable regulator
 * clocks), and every element those rules ask for. Pure: the same inputs give the same report.
 */
export function composeReport(
  figures: IncidentFigures,
  options: { kind: ReportKind; rules: ObligationSet; operator: OperatorProfile; reportedAt: Date | null; now: Date },
): ReportDocument {
  const recipient = primaryRegulator(options.rules, figures.jurisdiction);
  const jurisdiction = options.rules.jurisdictions[figures.jurisdiction];
  if (!recipient || !jurisdiction) throw new Error(`no obligation rules for jurisdiction '${figures.jurisdiction}'`);
  const highTiers = (figures.peopleByTier['critical'] ?? 0) + (figures.peopleByTier['high'] ?? 0);
  const facts = factsFromExposure({ peopleAffected: figures.peopleAffected, peopleInHighTiers: highTiers });
  const obligations = deadlinesFor(options.rules, figures.jurisdiction, { awareAt: figures.detectedAt, facts }).filter(
    (deadline) => deadline.audience === 'regulator' && deadline.applies,
  );
  const categoryNames = Object.keys(figures.peopleByCategory);
  const categories = categoryNames.map((name) => ({ name: words(name), people: figures.peopleByCategory[name]! }));
  const consequences = categoryNames
    .map((name) => CONSEQUENCES[PiiCategory[name as keyof typeof PiiCategory]])
    .filter((text): text is string => text !== undefined);
  const share = (hours: 24 | 48 | 72) => ({
    hours,
    percent:
      options.now.getTime() < figures.detectedAt.getTime() + hours * 3_600_000 || figures.peopleAffected === 0
        ? null
        : (figures.notifiedBy[hours] / figures.peopleAffected) * 100,
  });
  return {
    kind: options.kind,
    incidentId: figures.incidentId,
    revision: figures.revision,
    jurisdiction: figures.jurisdiction,
    jurisdictionName: jurisdiction.name,
    operatorName: options.operator.name,
    recipient,
    rulesVersion: options.rules.version,
    generatedAt: options.now,
    obligations,
    nature:
      `Unauthorised access to customer records held by ${options.operator.name}, found on ` +
      `${figures.detectedAt.toISOString().slice(0, 10)}; personal data of about ${figures.peopleAffected} people was taken.`,
    attackVectors: figures.attackVectors.map((vector) => words(AttackVector[vector] ?? `vector ${vector}`)),
    categories,
    approximatePeople: figures.peopleAffected,
    approximateRecords: figures.subscriptionsAffected,
    consequences: consequences.length > 0 ? consequences : ['unsolicited contact and phishing using the data taken'],
    measuresTaken: [
      'the access the attackers used was closed',
      'every affected person is sent a notice by SMS and email, in Urdu or English',
      'fraud monitoring and SIM-swap locks for people in the critical and high tiers',
    ],
    measuresProposed: ['monitoring of affected numbers for SIM-swap and porting attempts for 12 months'],
    contact: options.operator.contact,
    timeline: {
      occurredTo: figures.occurredTo,
      detectedAt: figures.detectedAt,
      reportedAt: options.reportedAt,
      firstNoticeAt: figures.firstNoticeAt,
      notifiedShare: [share(24), share(48), share(72)],
    },
    notices: {
      byChannel: figures.deliveriesByChannel,
      byStatus: figures.deliveriesByStatus,
      byTier: figures.peopleByTier,
      byRegion: Object.fromEntries(
        Object.entries(figures.subscriptionsByRegion).map(([region, count]) => [
          words(Region[Number(region)] ?? `region ${region}`),
          count,
        ]),
      ),
    },
    unreachable: figures.unreachable,
    substitutePlan:
      figures.unreachable > 0
        ? `a public notice on ${options.operator.officialSite} and in national newspapers in Urdu and English, and the helpline, for the ${figures.unreachable} people no channel reached`
        : 'none needed: every affected person was reached',
    checkpoint: figures.checkpoint,
  };
}
