import type { Logger } from 'pino';

export interface PeriodicJobOptions {
  name: string;
  intervalMs: number;
  /** Does one batch and returns how many items it handled; a full batch runs again at once. */
  run: () => Promise<number>;
  batchSize: number;
  logger: Logger;
}

/**
 * Runs a batch job on a fixed interval until stopped. Each job has its own loop, so a slow one (a
 * partner that takes seconds to answer) never delays another (re-sending protection commands).
 * The work itself lives in tables, so a failed pass loses nothing: it is logged and tried next time.
 */
export class PeriodicJob {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: PeriodicJobOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.options.run();
      } catch (error) {
        this.options.logger.error(
          { err: error, job: this.options.name },
          'scheduled job failed; trying again next interval',
        );
      }
      if (handled < this.options.batchSize) await this.sleep(this.options.intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
