import type { Due } from './obligations';

const HOUR_MS = 3_600_000;

/** Adds business days, Monday to Friday in UTC. Public holidays are not modelled: a deadline may be a day early, never late. */
export function addBusinessDays(start: Date, days: number): Date {
  const result = new Date(start.getTime());
  let left = days;
  while (left > 0) {
    result.setUTCDate(result.getUTCDate() + 1);
    const weekday = result.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return result;
}

/** Adds calendar months in UTC, clamping to the month's last day (31 January + 1 month = 28/29 February). */
export function addMonths(start: Date, months: number): Date {
  const result = new Date(start.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** When a rule's time runs out; null for "without undue delay" with no outer bound. */
export function dueDate(start: Date, due: Due): Date | null {
  if ('hours' in due) return new Date(start.getTime() + due.hours * HOUR_MS);
  if ('businessDays' in due) return addBusinessDays(start, due.businessDays);
  if ('days' in due) return new Date(start.getTime() + due.days * 24 * HOUR_MS);
  if ('months' in due) return addMonths(start, due.months);
  return due.notLaterThan ? new Date(start.getTime() + due.notLaterThan.days * 24 * HOUR_MS) : null;
}

/** How the rule reads to a person: "72 hours", "7 business days", "without undue delay (at most 30 days)". */
export function describeDue(due: Due): string {
  if ('hours' in due) return `${due.hours} hours`;
  if ('businessDays' in due) return `${due.businessDays} business days`;
  if ('days' in due) return `${due.days} days`;
  if ('months' in due) return due.months === 1 ? 'one month' : `${due.months} months`;
  return due.notLaterThan ? `without undue delay (at most ${due.notLaterThan.days} days)` : 'without undue delay';
}
