import type { Logger } from 'pino';

export interface WorkerLoopOptions {
  logger: Logger;
  /** One pass over the work; returns how much it did. After a pass that did nothing the loop sleeps. */
  pass: () => Promise<number>;
  /**
   * Runs before every pass; when it returns false the pass is skipped and the loop sleeps `standbyMs`
   * (an instance that is not the leader, say). A throw counts as a failed pass.
   */
  beforePass?: () => Promise<boolean>;
  /** Sleep after an idle pass, unless woken first (ms). */
  idleMs?: number;
  /** Sleep after `beforePass` said no (ms). */
  standbyMs?: number;
  /** Sleep after a pass that threw, before the next (ms). */
  retryMs?: number;
  /** Logged with the error of a failed pass. */
  failureMessage?: string;
}

/**
 * Runs `pass` until stopped: again at once while it finds work, then sleeping `idleMs` or until
 * `wakeUp()`. The work lives in tables, so a pass that throws loses nothing: it is logged and retried
 * after `retryMs`, and the loop never dies on one bad pass.
 */
export class WorkerLoop {
  private active = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: WorkerLoopOptions) {}

  /** False once stop() was called: a long pass checks it to end early. */
  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  /** Ends the loop after the pass in progress. */
  async stop(): Promise<void> {
    this.active = false;
    this.wake?.();
    await this.loop;
  }

  /** Ends the current sleep early (new work was announced); does nothing during a pass. */
  wakeUp(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { idleMs = 1000, standbyMs = 5000, retryMs = 1000 } = this.options;
    while (this.active) {
      try {
        if (this.options.beforePass && !(await this.options.beforePass())) {
          await this.sleep(standbyMs);
          continue;
        }
        if ((await this.options.pass()) === 0) await this.sleep(idleMs);
      } catch (error) {
        this.options.logger.error({ err: error }, this.options.failureMessage ?? 'worker pass failed; retrying');
        await this.sleep(retryMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    // A stop() that came during the pass has nothing left to wake: do not start a sleep it would wait out.
    if (!this.active) return Promise.resolve();
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
