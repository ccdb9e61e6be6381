// Recipients the sink refuses, to exercise the notifier's bounce and retry paths. Changeable at
// runtime through POST /api/config.
import type { RecipientRules } from './config';

export type Verdict = 'accept' | 'reject' | 'tempFail';

export class RecipientPolicy {
  private reject = new Set<string>();
  private tempFail = new Set<string>();

  constructor(rules: RecipientRules) {
    this.set(rules);
  }

  set(rules: Partial<RecipientRules>): void {
    if (rules.reject) this.reject = new Set(rules.reject.map((a) => a.toLowerCase()));
    if (rules.tempFail) this.tempFail = new Set(rules.tempFail.map((a) => a.toLowerCase()));
  }

  get(): RecipientRules {
    return { reject: [...this.reject], tempFail: [...this.tempFail] };
  }

  verdict(address: string): Verdict {
    const a = address.toLowerCase();
    if (this.reject.has(a)) return 'reject';
    if (this.tempFail.has(a)) return 'tempFail';
    return 'accept';
  }
}
