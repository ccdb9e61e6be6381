/** What a batch write says about one of its items. */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface BatcherOptions<T> {
  /**
   * Items with the same key never share a batch: a later one waits for the next batch, so work on
   * one key (one person) stays serial even when its items arrive together.
   */
  keyOf?: (item: T) => string;
  /**
   * When a batch's write throws, write each of its items again alone, so one bad item fails only
   * its own caller and not every item that happened to share its batch.
   */
  retryAlone?: boolean;
}

/**
 * Group commit: collects items for a short while and writes them together, so hundreds of events,
 * provider answers and callbacks a second cost a few transactions instead of hundreds (each commit
 * waits for a WAL flush). Each caller's promise settles only once its item is durably written, or
 * with the error that concerned it (or the batch).
 */
export class Batcher<T, R = void> {
  private pending: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writing = new Set<Promise<void>>();

  /**
   * @param write writes the items; returns one outcome per item in order, or nothing when all
   *   succeeded with no value. A thrown error fails every item of the batch.
   * @param concurrency writes that may run at once. Only for items whose relative order does not
   *   matter, or whose writes are themselves order-safe (guarded updates), or with `keyOf`.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<ItemOutcome<R>[] | void>,
    private readonly maxItems = 200,
    private readonly maxDelayMs = 15,
    private readonly concurrency = 1,
    private readonly options: BatcherOptions<T> = {},
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxItems) this.flushSoon(0);
      else this.flushSoon(this.maxDelayMs);
    });
  }

  /** Writes whatever is pending now and waits for every write in progress. */
  async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0 || this.writing.size > 0) {
      if (this.pending.length > 0 && this.writing.size < this.concurrency) this.startWrite();
      else await Promise.race(this.writing);
    }
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delayMs);
  }

  /** Starts writes while there is room; items that find every writer busy go with the next one to finish. */
  private pump(): void {
    while (this.writing.size < this.concurrency && this.pending.length > 0) this.startWrite();
  }

  private startWrite(): void {
    const batch = this.take();
    if (batch.length === 0) return;
    const writing = this.writeBatch(batch);
    this.writing.add(writing);
    void writing.finally(() => {
      this.writing.delete(writing);
      // Items that arrived while every writer was busy go now, together (unless a short wait is running).
      if (!this.timer) this.pump();
    });
  }

  /** Up to maxItems pending items in arrival order; with `keyOf`, the first of each key only. */
  private take(): Pending<T, R>[] {
    const { keyOf } = this.options;
    if (!keyOf) return this.pending.splice(0, this.maxItems);
    const keys = new Set<string>();
    const batch: Pending<T, R>[] = [];
    const left: Pending<T, R>[] = [];
    for (const entry of this.pending) {
      const key = keyOf(entry.item);
      if (batch.length < this.maxItems && !keys.has(key)) {
        keys.add(key);
        batch.push(entry);
      } else {
        left.push(entry);
      }
    }
    this.pending = left;
    return batch;
  }

  private async writeBatch(batch: Pending<T, R>[]): Promise<void> {
    try {
      const outcomes = await this.write(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const outcome = outcomes?.[index];
        if (!outcome) entry.resolve(undefined as R);
        else if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      });
    } catch (error) {
      if (this.options.retryAlone && batch.length > 1) {
        for (const entry of batch) await this.writeBatch([entry]);
        return;
      }
      for (const entry of batch) entry.reject(error);
    }
  }
}

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}
