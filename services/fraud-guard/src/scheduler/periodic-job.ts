import type { Logger } from 'pino';
import { WorkerLoop } from '@bnp/persistence';

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
  private readonly loop: WorkerLoop;

  constructor(options: PeriodicJobOptions) {
    this.loop = new WorkerLoop({
      logger: options.logger.child({ job: options.name }),
      // A batch that came back full has more behind it: run again at once; otherwise wait an interval.
      pass: async () => ((await options.run()) >= options.batchSize ? 1 : 0),
      idleMs: options.intervalMs,
      retryMs: options.intervalMs,
      failureMessage: 'scheduled job failed; trying again next interval',
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
