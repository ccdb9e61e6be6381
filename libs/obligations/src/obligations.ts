import { z } from 'zod';
import data from './obligations.v1.json';

/** What a report to a regulator may have to contain; each is a heading of the rendered report. */
export const REPORT_ELEMENTS = [
  'nature',
  'attack-vectors',
  'categories',
  'approximate-people',
  'approximate-records',
  'consequences',
  'measures',
  'contact-point',
  'timeline',
  'notices',
  'unreachable',
  'log-checkpoint',
] as const;
export type ReportElement = (typeof REPORT_ELEMENTS)[number];

const regulator = z.object({ name: z.string().min(1), short: z.string().min(1), nameUr: z.string().min(1) });

const due = z.union([
  z.object({ hours: z.number().positive() }).strict(),
  z.object({ businessDays: z.number().int().positive() }).strict(),
  z.object({ days: z.number().int().positive() }).strict(),
  z.object({ months: z.number().int().positive() }).strict(),
  z
    .object({
      withoutUndueDelay: z.literal(true),
      notLaterThan: z.object({ days: z.number().int().positive() }).strict().optional(),
    })
    .strict(),
]);

const obligation = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/),
    audience: z.enum(['regulator', 'individuals']),
    recipient: z.string().nullable(),
    alsoTo: z.array(z.string()).optional(),
    kind: z.enum(['early-warning', 'notification', 'final']),
    /** 'awareness' (detection, becoming aware, reasonable determination) or the id of an earlier obligation. */
    clockStartsAt: z.string(),
    due,
    trigger: z.object({
      risk: z.enum(['any', 'risk', 'high-risk', 'significant-incident', 'harm-reasonably-likely']),
      exemptWhenUnintelligible: z.boolean(),
    }),
    contents: z.array(z.enum(REPORT_ELEMENTS)),
    source: z.string().min(1),
  })
  .strict();

const regime = z
  .object({
    id: z.string(),
    title: z.string(),
    source: z.string().min(1),
    status: z.enum(['in-force', 'adopted', 'draft']),
    effectiveDate: z.string().date().nullable(),
    effectiveNote: z.string().optional(),
    followUps: z.array(z.string()),
    obligations: z.array(obligation).min(1),
  })
  .strict();

const jurisdiction = z
  .object({
    name: z.string(),
    primaryRegulator: z.string(),
    regulators: z.record(regulator),
    regimes: z.array(regime).min(1),
  })
  .strict();

export const obligationSetSchema = z.object({
  version: z.string().min(1),
  note: z.string(),
  jurisdictions: z.record(z.string().regex(/^[A-Z]{2}$/), jurisdiction),
});

export type ObligationSet = z.infer<typeof obligationSetSchema>;
export type Jurisdiction = z.infer<typeof jurisdiction>;
export type Regime = z.infer<typeof regime>;
export type Obligation = z.infer<typeof obligation>;
export type Regulator = z.infer<typeof regulator> & { id: string };
export type Due = z.infer<typeof due>;

/**
 * Checks the rule set: schema, and every reference (recipients, clock starts) resolves inside its
 * jurisdiction. Bad data fails at boot with the path of what is wrong.
 */
export function parseObligationSet(raw: unknown): ObligationSet {
  const parsed = obligationSetSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`obligations data is invalid: ${parsed.error.message}`);
  for (const [code, entry] of Object.entries(parsed.data.jurisdictions)) {
    if (!entry.regulators[entry.primaryRegulator])
      throw new Error(`obligations ${code}: primaryRegulator '${entry.primaryRegulator}' is not among its regulators`);
    const ids = new Set(entry.regimes.flatMap((r) => r.obligations.map((o) => o.id)));
    for (const rule of entry.regimes.flatMap((r) => r.obligations)) {
      for (const recipient of [rule.recipient, ...(rule.alsoTo ?? [])])
        if (recipient !== null && !entry.regulators[recipient])
          throw new Error(`obligations ${code}/${rule.id}: unknown recipient '${recipient}'`);
      if (rule.audience === 'regulator' && rule.recipient === null)
        throw new Error(`obligations ${code}/${rule.id}: a regulator obligation needs a recipient`);
      if (rule.clockStartsAt !== 'awareness' && !ids.has(rule.clockStartsAt))
        throw new Error(`obligations ${code}/${rule.id}: clock starts at unknown '${rule.clockStartsAt}'`);
    }
  }
  return parsed.data;
}

/** The rule set shipped with this build (obligations.v1.json), checked once. */
export const OBLIGATIONS: ObligationSet = parseObligationSet(data);

export function jurisdictionOf(set: ObligationSet, code: string): Jurisdiction | null {
  return set.jurisdictions[code] ?? null;
}

/** The regulator a notice names for this jurisdiction ("reported the breach to ..."). */
export function primaryRegulator(set: ObligationSet, code: string): Regulator | null {
  const entry = jurisdictionOf(set, code);
  const found = entry?.regulators[entry.primaryRegulator];
  return found ? { id: entry.primaryRegulator, ...found } : null;
}
