// Keeps the store in a JSON file so a restarted stand-in still knows what it accepted and a
// restarted notifier can reconcile by listing. Writes are throttled (at most one per interval,
// never starved by a steady stream of changes) and atomic (temp file + rename), and happen off the
// request path. Serialising is O(messages) and blocks the event loop, so the gap between writes
// grows with its cost: persistence never takes more than ~5% of the process, whatever the store size.
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { StoredMessage } from './message';

const FORMAT_VERSION = 1;
/** Wait at least this many times the last serialisation's duration before the next one. */
const COST_FACTOR = 20;

export interface PersistedState {
  version: number;
  accountSid: string;
  savedAt: string;
  messages: StoredMessage[];
}

export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private gapMs: number;

  constructor(
    readonly path: string,
    private readonly intervalMs: number,
    private readonly snapshot: () => PersistedState,
    private readonly logger: Logger,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.gapMs = intervalMs;
  }

  /** Reads the file written by a previous run; null when there is none. A corrupt file is an error, not a reset. */
  load(): PersistedState | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const state = JSON.parse(text) as PersistedState;
    if (state.version !== FORMAT_VERSION) throw new Error(`${this.path}: unsupported state version ${state.version}`);
    return state;
  }

  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.gapMs);
    this.timer.unref();
  }

  /** Writes now if anything changed since the last write, and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  private write(): Promise<void> {
    // Chain writes so two never race on the temp file.
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const tmp = `${this.path}.${process.pid}.tmp`;
      try {
        const started = performance.now();
        const text = JSON.stringify(this.snapshot());
        this.gapMs = Math.max(this.intervalMs, (performance.now() - started) * COST_FACTOR);
        await mkdir(dirname(this.path), { recursive: true });
        await writeFile(tmp, text);
        await rename(tmp, this.path);
      } catch (error) {
        this.dirty = true;
        this.logger.error({ err: error, path: this.path }, 'could not write state file');
      }
    });
    return this.writing;
  }
}

export function stateSnapshot(accountSid: string, messages: readonly StoredMessage[]): PersistedState {
  return { version: FORMAT_VERSION, accountSid, savedAt: new Date().toISOString(), messages: [...messages] };
}
