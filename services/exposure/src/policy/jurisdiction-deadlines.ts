import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const schema = z.record(
  z.string().regex(/^[A-Z]{2}$/),
  z.object({
    authority: z.string(),
    deadlineHours: z.number().positive(),
    clockStartsAt: z.literal('detected_at'),
    basis: z.string(),
  }),
);

export interface RegulatorClock {
  authority: string;
  deadlineAt: Date;
  basis: string;
}

/** Regulator notification deadlines per jurisdiction, kept as data (policy/jurisdictions.json). */
export class JurisdictionDeadlines {
  private constructor(private readonly rules: z.infer<typeof schema>) {}

  static load(path = join(__dirname, 'jurisdictions.json')): JurisdictionDeadlines {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path} is invalid: ${parsed.error.message}`);
    return new JurisdictionDeadlines(parsed.data);
  }

  clockFor(jurisdiction: string, detectedAt: Date): RegulatorClock | null {
    const rule = this.rules[jurisdiction];
    if (!rule) return null;
    return {
      authority: rule.authority,
      deadlineAt: new Date(detectedAt.getTime() + rule.deadlineHours * 3_600_000),
      basis: rule.basis,
    };
  }
}
