import { firstRegulatorDeadline, OBLIGATIONS, type ObligationSet } from '@bnp/obligations';

export interface RegulatorClock {
  authority: string;
  deadlineAt: Date;
  basis: string;
  /** The obligation this clock is (libs/obligations), and the rule-set version it came from. */
  obligationId: string;
  rulesVersion: string;
}

/**
 * The first regulator deadline of a revision's jurisdiction. The rules live in libs/obligations
 * (versioned data with sources): this service only asks them, so deadlines have one source.
 */
export class JurisdictionDeadlines {
  private constructor(private readonly rules: ObligationSet) {}

  static load(rules: ObligationSet = OBLIGATIONS): JurisdictionDeadlines {
    return new JurisdictionDeadlines(rules);
  }

  clockFor(jurisdiction: string, detectedAt: Date): RegulatorClock | null {
    const first = firstRegulatorDeadline(this.rules, jurisdiction, detectedAt);
    if (!first?.dueAt || !first.recipient) return null;
    return {
      authority: `${first.recipient.name} (${first.recipient.short})`,
      deadlineAt: first.dueAt,
      basis: first.source,
      obligationId: first.obligationId,
      rulesVersion: this.rules.version,
    };
  }
}
