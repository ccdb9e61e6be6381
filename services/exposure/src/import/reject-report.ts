import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { RowProblem } from './row-validation';

/** A rejected row: its first physical line, its id when the id itself was valid, and every problem found. */
export interface RejectEntry {
  line: number;
  key?: string;
  problems: RowProblem[];
}

export const REJECTS_HEADER = 'line,key,field,code,reason';

/**
 * Writes every rejected row to `<file>.rejects.csv` (created only when there is one; a stale report from an earlier run
 * is removed first) and the first `maxPrinted` to stderr. Lines are added as rows are rejected, so validation problems
 * come first and conflicts found during the merge follow per chunk: sort by `line` if order matters.
 */
export class RejectReport {
  count = 0;
  #stream: WriteStream | undefined;
  #closed = false;
  #pending: string[] = [];

  constructor(
    readonly path: string,
    private readonly label: string,
    private readonly print: (line: string) => void,
    private readonly maxPrinted = 50,
  ) {}

  async start(): Promise<void> {
    await rm(this.path, { force: true });
  }

  add(entry: RejectEntry): void {
    this.count++;
    const fields = entry.problems.map((problem) => problem.field).join('|');
    const codes = entry.problems.map((problem) => problem.code).join('|');
    const reason = entry.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
    this.#pending.push(`${[String(entry.line), entry.key ?? '', fields, codes, reason].map(csvField).join(',')}\n`);
    if (this.count <= this.maxPrinted) this.print(`${this.label}:${entry.line}: ${codes} ${reason}`);
  }

  /** Writes what was added since the last flush, waiting for the disk when the stream is full (bounded memory). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    if (!this.#stream) {
      this.#stream = createWriteStream(this.path, { encoding: 'utf8' });
      this.#stream.write(`${REJECTS_HEADER}\n`);
    }
    const text = this.#pending.join('');
    this.#pending = [];
    if (!this.#stream.write(text)) await once(this.#stream, 'drain');
  }

  /** Idempotent; also called when an import fails, so the rows rejected so far are not lost. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    if (this.count > this.maxPrinted) {
      this.print(`${this.label}: ... ${this.count - this.maxPrinted} more rejected rows, see ${this.path}`);
    }
    if (this.#stream) {
      const stream = this.#stream;
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
  }
}

/** RFC 4180 quoting: only when the value needs it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
