import { applicability, type IncidentFacts } from './applicability';
import { describeDue, dueDate } from './due-date';
import type { Obligation, ObligationSet, Regime, Regulator, ReportElement } from './obligations';

/** One obligation's clock for one incident: who must be told, by when, under which rule. */
export interface Deadline {
  jurisdiction: string;
  obligationId: string;
  regimeId: string;
  regimeTitle: string;
  status: Regime['status'];
  effectiveDate: string | null;
  audience: Obligation['audience'];
  kind: Obligation['kind'];
  recipient: Regulator | null;
  alsoTo: Regulator[];
  /** When the clock started; null while an earlier step it runs from has neither been filed nor fallen due. */
  startsAt: Date | null;
  /** Null when the rule says "without undue delay" with no outer bound. */
  dueAt: Date | null;
  rule: string;
  source: string;
  applies: boolean;
  reason: string;
  contents: ReportElement[];
}

export interface DeadlineInput {
  /** Detection, becoming aware, or the reasonable determination of a breach: the incident's detected_at. */
  awareAt: Date;
  /** Without facts every obligation is assumed to apply: the conservative reading before assessment. */
  facts?: IncidentFacts;
  /** When each obligation was filed (receipt time), by obligation id: later steps run from these. */
  filedAt?: Record<string, Date>;
}

/** Every obligation of a jurisdiction with its clock. Unknown jurisdictions have none (and say so upstream). */
export function deadlinesFor(set: ObligationSet, code: string, input: DeadlineInput): Deadline[] {
  const entry = set.jurisdictions[code];
  if (!entry) return [];
  const regulator = (id: string): Regulator => ({ id, ...entry.regulators[id]! });
  const byId = new Map<string, Deadline>();
  const result: Deadline[] = [];
  for (const regime of entry.regimes) {
    for (const rule of regime.obligations) {
      const startsAt = clockStart(rule, input, byId);
      const verdict = input.facts
        ? applicability(rule, input.facts)
        : { applies: true, reason: 'assumed to apply until the incident is assessed' };
      const deadline: Deadline = {
        jurisdiction: code,
        obligationId: rule.id,
        regimeId: regime.id,
        regimeTitle: regime.title,
        status: regime.status,
        effectiveDate: regime.effectiveDate,
        audience: rule.audience,
        kind: rule.kind,
        recipient: rule.recipient === null ? null : regulator(rule.recipient),
        alsoTo: (rule.alsoTo ?? []).map(regulator),
        startsAt,
        dueAt: startsAt ? dueDate(startsAt, rule.due) : null,
        rule: describeDue(rule.due),
        source: rule.source,
        applies: verdict.applies,
        reason: verdict.reason,
        contents: rule.contents,
      };
      byId.set(rule.id, deadline);
      result.push(deadline);
    }
  }
  return result;
}

function clockStart(rule: Obligation, input: DeadlineInput, earlier: Map<string, Deadline>): Date | null {
  if (rule.clockStartsAt === 'awareness') return input.awareAt;
  return input.filedAt?.[rule.clockStartsAt] ?? earlier.get(rule.clockStartsAt)?.dueAt ?? null;
}

/**
 * The first time a regulator must have been told: the earliest due date among the jurisdiction's
 * regulator obligations (assumed to apply). What the exposure service stamps on each revision.
 */
export function firstRegulatorDeadline(set: ObligationSet, code: string, awareAt: Date): Deadline | null {
  const dated = deadlinesFor(set, code, { awareAt }).filter(
    (deadline): deadline is Deadline & { dueAt: Date } => deadline.audience === 'regulator' && deadline.dueAt !== null,
  );
  return dated.reduce<Deadline | null>((first, next) => (!first || next.dueAt < first.dueAt! ? next : first), null);
}
