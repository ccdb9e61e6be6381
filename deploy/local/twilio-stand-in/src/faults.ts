// Fault injection. Each mode fires on the next N matching requests, with a probability, or both;
// the duplicate-producing modes (store then 500 / destroy / hang) exist so the notifier's
// idempotency and reconciliation can be exercised against the exact failures that cause duplicates.
import { z } from 'zod';

const trigger = {
  /** Fire on this many more matching events, then switch off. Omitted: no limit. */
  next: z.number().int().positive().optional(),
  /** Chance of firing per matching event. Omitted: 1. */
  probability: z.number().min(0).max(1).optional(),
};
const triggerSchema = z.object(trigger).strict();
const latencySchema = z.object({ ...trigger, ms: z.number().int().min(0).max(600_000) }).strict();

export const faultPatchSchema = z
  .object({
    /** Any API request answers 500 / 20500 without doing anything. */
    error500: triggerSchema.nullable(),
    /** Any API request waits `ms` first (counts towards concurrency). */
    latency: latencySchema.nullable(),
    /** Create answers 429 / 20429 without storing. */
    burst429: triggerSchema.nullable(),
    /** A status callback is silently never sent (no retry either). */
    callbackLoss: triggerSchema.nullable(),
    /** Create stores and sends the message, then answers 500 / 20500. */
    storeThen500: triggerSchema.nullable(),
    /** Create stores and sends the message, then destroys the socket without answering. */
    storeThenDestroy: triggerSchema.nullable(),
    /** Create stores and sends the message, then never answers until the fault is cleared. */
    storeThenHang: triggerSchema.nullable(),
    /** A list request does not show messages created in the last `ms` (an index that lags the store). */
    listLag: latencySchema.nullable(),
  })
  .partial()
  .strict();

export type FaultPatch = z.infer<typeof faultPatchSchema>;
export type FaultMode = keyof FaultPatch;
export type FaultSettings = { [M in FaultMode]?: NonNullable<FaultPatch[M]> };

export const FAULT_MODES = Object.keys(faultPatchSchema.shape) as FaultMode[];

export class Faults {
  private active: FaultSettings = {};
  private readonly injected = Object.fromEntries(FAULT_MODES.map((m) => [m, 0])) as Record<FaultMode, number>;

  constructor(
    initial: FaultSettings,
    private readonly random: () => number,
  ) {
    this.apply(initial);
  }

  /** Merges a patch: a mode set to null is switched off, an omitted mode is left as it is. */
  apply(patch: FaultPatch): void {
    for (const mode of FAULT_MODES) {
      if (!(mode in patch)) continue;
      const value = patch[mode];
      if (value === null || value === undefined) delete this.active[mode];
      else this.active = { ...this.active, [mode]: { ...value } };
    }
  }

  clear(): void {
    this.active = {};
  }

  isActive(mode: FaultMode): boolean {
    return this.active[mode] !== undefined;
  }

  /** Decides whether `mode` fires for this event; returns its settings when it does. */
  fire<M extends FaultMode>(mode: M): FaultSettings[M] | undefined {
    const setting = this.active[mode];
    if (setting === undefined) return undefined;
    if (setting.probability !== undefined && this.random() >= setting.probability) return undefined;
    if (setting.next !== undefined) {
      setting.next -= 1;
      if (setting.next <= 0) delete this.active[mode];
    }
    this.injected[mode] += 1;
    return setting;
  }

  snapshot(): { active: FaultSettings; injected: Record<FaultMode, number> } {
    return { active: structuredClone(this.active), injected: { ...this.injected } };
  }

  resetCounters(): void {
    for (const mode of FAULT_MODES) this.injected[mode] = 0;
  }
}
