// Configured number behaviours. Entries are exact E.164 numbers or prefixes ending in '*'
// ("+92300999*"), so a benchmark can make a slice of a range unreachable without listing each number.

export const E164 = /^\+[1-9]\d{1,14}$/;

export class NumberList {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (entry.endsWith('*')) this.prefixes.push(entry.slice(0, -1));
      else this.exact.add(entry);
    }
  }

  has(number: string): boolean {
    // Prefix lists are short configuration, not data, so the loop does not grow with traffic.
    return this.exact.has(number) || this.prefixes.some((p) => number.startsWith(p));
  }
}

/** Validates one list entry; returns an error text or null. */
export function checkNumberEntry(entry: string): string | null {
  const number = entry.endsWith('*') ? entry.slice(0, -1) : entry;
  if (entry.endsWith('*')) return /^\+\d{1,15}$/.test(number) ? null : `'${entry}' is not an E.164 prefix`;
  return E164.test(number) ? null : `'${entry}' is not an E.164 number`;
}
