/** The shares of a deadline's time at which an unfiled report raises an alert. */
export const ALERT_THRESHOLDS = [50, 80, 100] as const;
export type AlertThreshold = (typeof ALERT_THRESHOLDS)[number];

export type ClockState = 'filed' | 'running' | 'overdue' | 'no-deadline';

export interface ClockReading {
  state: ClockState;
  /** Share of the allowed time elapsed, in percent (may exceed 100); null without a due date. */
  elapsedPercent: number | null;
  /** Thresholds passed while unfiled; empty once filed in time. */
  crossed: AlertThreshold[];
  secondsLeft: number | null;
}

/** Reads one deadline clock at `now`. A report filed before the due date stops the clock. */
export function readClock(startsAt: Date | null, dueAt: Date | null, now: Date, filedAt: Date | null): ClockReading {
  if (!startsAt || !dueAt)
    return { state: filedAt ? 'filed' : 'no-deadline', elapsedPercent: null, crossed: [], secondsLeft: null };
  const allowed = dueAt.getTime() - startsAt.getTime();
  const at = filedAt && filedAt.getTime() < now.getTime() ? filedAt : now;
  const elapsedPercent = allowed <= 0 ? 100 : ((at.getTime() - startsAt.getTime()) / allowed) * 100;
  const secondsLeft = Math.round((dueAt.getTime() - now.getTime()) / 1000);
  if (filedAt && filedAt.getTime() <= now.getTime()) {
    const late = filedAt.getTime() > dueAt.getTime();
    return { state: 'filed', elapsedPercent, crossed: late ? [100] : [], secondsLeft };
  }
  const crossed = ALERT_THRESHOLDS.filter((threshold) => elapsedPercent >= threshold);
  return { state: elapsedPercent >= 100 ? 'overdue' : 'running', elapsedPercent, crossed, secondsLeft };
}

/** The thresholds to alert on now: crossed and not alerted before (each alert once per clock). */
export function newAlerts(reading: ClockReading, alreadyAlerted: readonly AlertThreshold[]): AlertThreshold[] {
  if (reading.state === 'filed') return [];
  return reading.crossed.filter((threshold) => !alreadyAlerted.includes(threshold));
}
