import type { Obligation } from './obligations';

/** What the rules ask about an incident before they apply. */
export interface IncidentFacts {
  /** Likely risk to people's rights: none, some, or high (GDPR's scale; other regimes map onto it). */
  risk: 'none' | 'risk' | 'high-risk';
  /** A NIS2 "significant incident": severe disruption or considerable damage to people. */
  significantIncident: boolean;
  /** FCC 23-111's harm-based trigger: harm to customers is reasonably likely. */
  harmReasonablyLikely: boolean;
  /** All taken data was strongly encrypted and the key was not taken. */
  unintelligibleToAttacker: boolean;
}

export interface Applicability {
  applies: boolean;
  reason: string;
}

/** Whether one obligation binds for these facts, and why (the reason is printed in reports). */
export function applicability(rule: Obligation, facts: IncidentFacts): Applicability {
  if (rule.trigger.exemptWhenUnintelligible && facts.unintelligibleToAttacker)
    return { applies: false, reason: 'exempt: the data was unintelligible to the attacker (encrypted, key not taken)' };
  switch (rule.trigger.risk) {
    case 'any':
      return { applies: true, reason: 'applies to every reportable incident' };
    case 'risk':
      return facts.risk === 'none'
        ? { applies: false, reason: 'not required: unlikely to result in a risk to people' }
        : { applies: true, reason: 'likely to result in a risk to people' };
    case 'high-risk':
      return facts.risk === 'high-risk'
        ? { applies: true, reason: 'likely to result in a high risk to people' }
        : { applies: false, reason: 'not required: no high risk to people' };
    case 'significant-incident':
      return facts.significantIncident
        ? { applies: true, reason: 'a significant incident' }
        : { applies: false, reason: 'not required: not a significant incident' };
    case 'harm-reasonably-likely':
      return facts.harmReasonablyLikely
        ? { applies: true, reason: 'harm to customers is reasonably likely' }
        : { applies: false, reason: 'not required: the carrier determined that no harm is reasonably likely' };
  }
}

/**
 * Facts as this platform can know them from an exposure revision: risk from the tiers reached
 * (critical/high tiers mean high risk), any affected telecom customer makes a significant
 * incident and makes harm reasonably likely. Encryption is stated by the operator, never guessed.
 */
export function factsFromExposure(input: {
  peopleAffected: number;
  peopleInHighTiers: number;
  unintelligibleToAttacker?: boolean;
}): IncidentFacts {
  const affected = input.peopleAffected > 0;
  return {
    risk: input.peopleInHighTiers > 0 ? 'high-risk' : affected ? 'risk' : 'none',
    significantIncident: affected,
    harmReasonablyLikely: affected,
    unintelligibleToAttacker: input.unintelligibleToAttacker ?? false,
  };
}
