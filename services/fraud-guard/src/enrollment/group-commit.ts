export interface GroupCommitOptions {
  /** Most items one unit of work takes. */
  maxBatch: number;
  /** How long the first item waits for company before its batch runs anyway. */
  lingerMs: number;
  /** Units of work running at once; items keep gathering while all are busy. */
  maxInFlight: number;
}

interface Waiting<TItem, TResult> {
  item: TItem;
  key: string;
  resolve: (result: TResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted one by one (one per consumed message) are handled together, in one
 * unit of work (one transaction), and each caller gets its own result. Two items with the same key
 * never share a batch: the second waits for the next one, so per-key work stays serial.
 *
 * When a batch fails, each of its items is tried again alone: one bad item fails only its own
 * caller (and goes to its retry tier), never the people who happened to share its batch.
 */
export class GroupCommit<TItem, TResult> {
  private waiting: Waiting<TItem, TResult>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    private readonly work: (items: TItem[]) => Promise<TResult[]>,
    private readonly keyOf: (item: TItem) => string,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.waiting.push({ item, key: this.keyOf(item), resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch (not those in a running one). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    if (this.waiting.length >= this.options.maxBatch) {
      this.runNext();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.runNext();
    }, this.options.lingerMs);
  }

  private runNext(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.take();
    if (batch.length === 0) return;
    this.inFlight++;
    void this.run(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule();
  }

  /** Up to maxBatch waiting items, the first of each key only, in arrival order; the rest keep waiting. */
  private take(): Waiting<TItem, TResult>[] {
    const keys = new Set<string>();
    const batch: Waiting<TItem, TResult>[] = [];
    const left: Waiting<TItem, TResult>[] = [];
    for (const waiting of this.waiting) {
      if (batch.length < this.options.maxBatch && !keys.has(waiting.key)) {
        keys.add(waiting.key);
        batch.push(waiting);
      } else {
        left.push(waiting);
      }
    }
    this.waiting = left;
    return batch;
  }

  private async run(batch: Waiting<TItem, TResult>[]): Promise<void> {
    try {
      const results = await this.work(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) {
        throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((waiting, index) => waiting.resolve(results[index] as TResult));
    } catch (error) {
      const [only] = batch;
      if (batch.length === 1 && only) {
        only.reject(error);
        return;
      }
      for (const waiting of batch) await this.run([waiting]);
    }
  }
}
