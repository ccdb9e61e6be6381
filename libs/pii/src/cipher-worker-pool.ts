import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BLIND_INDEX_KINDS, BlindIndexer, BlindIndexKind } from './blind-indexer';
import { PiiCryptoError, PiiErrorCode, PiiValidationError } from './errors';
import { assertValidKeyRing, KeyRing } from './key-ring';
import { redactPiiInText } from './redact';

// Plain JS on purpose: see the header of cipher-worker.js. Ship it next to the compiled output if we ever build.
const WORKER_FILE = join(__dirname, 'cipher-worker.js');
const BLIND_INDEX_BYTES = 32;

export interface CipherWorkerPoolOptions {
  /** Only the active key is sent to the workers: they encrypt, they never decrypt. */
  keyRing: KeyRing;
  blindIndexKey: Buffer;
  /** Worker threads; defaults to one per CPU minus one for the event loop (at least one). */
  size?: number;
}

export interface BlindIndexRequest {
  kind: BlindIndexKind;
  /** Already normalized (normalizeMsisdn, normalizeCnic, normalizeEmail). */
  value: string;
}

/** One CSV row: its PII columns to encrypt, in a fixed order, and the identifiers to blind-index. */
export interface CipherRow {
  values: string[];
  /** Additional authenticated data for every value of the row; FieldCipher.decrypt must get the same. */
  aad?: string;
  index?: BlindIndexRequest[];
}

export interface CipherRowResult {
  /** Envelopes in the order of `values`; decrypt with FieldCipher. */
  encrypted: Buffer[];
  /** HMAC-SHA256 in the order of `index`; equal to BlindIndexer.index. */
  indexes: Buffer[];
}

interface WireRow {
  encrypt: string[];
  aad?: string;
  index: BlindIndexRequest[];
}

interface WorkerSuccess {
  id: number;
  ok: true;
  /** Every output of the batch back to back; `lengths` splits it. */
  packed: Uint8Array;
  lengths: number[];
}

interface WorkerFailure {
  id: number;
  ok: false;
  reason: string;
}

interface Task {
  id: number;
  rows: WireRow[];
  resolve: (reply: WorkerSuccess) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

/**
 * Encrypts and blind-indexes bulk imports on worker threads so a large CSV does not stall the event loop.
 * Submit batches of about 1000 rows and keep up to `size` batches in flight for full parallelism; `pending` tells a
 * reader when to pause. Normalize values on the main thread first: workers only do the crypto.
 * Idle workers do not keep the process alive, but call `close()` when the import is done.
 */
export class CipherWorkerPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  readonly #drainWaiters: (() => void)[] = [];
  #nextTaskId = 0;
  #closing: Promise<void> | undefined;
  #terminating = false;
  #brokenReason: string | undefined;

  constructor(options: CipherWorkerPoolOptions) {
    const size = options.size ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isInteger(size) || size < 1) throw new RangeError('pool size must be a positive integer');
    assertValidKeyRing(options.keyRing);
    new BlindIndexer(options.blindIndexKey); // same key checks as the main thread, before any thread starts
    this.size = size;
    const activeKey = options.keyRing.keys[options.keyRing.activeKeyId];
    if (!activeKey) throw new PiiCryptoError(PiiErrorCode.InvalidKeyRing, 'active key is missing'); // checked above
    const workerData = {
      activeKeyId: options.keyRing.activeKeyId,
      // Fresh copies: a Buffer may be a view on Node's shared pool, and cloning would copy the whole slab.
      activeKey: new Uint8Array(activeKey),
      blindIndexKey: new Uint8Array(options.blindIndexKey),
    };
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn(workerData));
  }

  /** Batches queued or running; pause the CSV reader while this is above `size`. */
  get pending(): number {
    return this.#queue.length + this.#slots.filter((slot) => slot.task !== undefined).length;
  }

  /** Encrypts each row's values; result[i][j] is the envelope of rows[i].values[j]. */
  async encryptBatch(rows: Pick<CipherRow, 'values' | 'aad'>[]): Promise<Buffer[][]> {
    const results = await this.encryptAndIndexBatch(rows);
    return results.map((result) => result.encrypted);
  }

  /** Encrypts values and computes blind indexes in one trip to a worker. */
  async encryptAndIndexBatch(rows: CipherRow[]): Promise<CipherRowResult[]> {
    const wireRows = toWireRows(rows);
    if (this.#closing !== undefined) throw new PiiCryptoError(PiiErrorCode.PoolClosed, 'cipher worker pool is closed');
    if (this.#brokenReason !== undefined) throw this.#brokenError();
    const reply = await new Promise<WorkerSuccess>((resolve, reject) => {
      this.#queue.push({ id: this.#nextTaskId++, rows: wireRows, resolve, reject });
      this.#dispatch();
    });
    return unpack(wireRows, reply);
  }

  /** Finishes queued and running batches, then stops the workers. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#drained().then(async () => {
      this.#terminating = true;
      await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
    });
    return this.#closing;
  }

  #spawn(workerData: object): Slot {
    const worker = new Worker(WORKER_FILE, { workerData });
    const slot: Slot = { worker };
    worker.unref();
    worker.on('message', (reply: WorkerSuccess | WorkerFailure) => {
      const task = slot.task;
      slot.task = undefined;
      worker.unref();
      if (task !== undefined) {
        if (reply.ok) task.resolve(reply);
        else task.reject(new PiiCryptoError(PiiErrorCode.WorkerFailed, `cipher worker failed (${reply.reason})`));
      }
      this.#dispatch();
    });
    worker.on('error', (error) => this.#retire(slot, redactPiiInText(error.message)));
    worker.on('exit', (code) => this.#retire(slot, `worker exited with code ${code}`));
    return slot;
  }

  /**
   * A worker only dies from a bug (its handler catches per-batch errors), so it is not respawned: that could loop.
   * The pool keeps going on the remaining workers and fails loudly once none are left.
   */
  #retire(slot: Slot, reason: string): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1 || this.#terminating) return;
    this.#slots.splice(index, 1);
    slot.task?.reject(new PiiCryptoError(PiiErrorCode.WorkerFailed, `cipher worker failed: ${reason}`));
    slot.task = undefined;
    void slot.worker.terminate();
    if (this.#slots.length === 0) {
      this.#brokenReason = reason;
      this.#queue.splice(0).forEach((task) => task.reject(this.#brokenError()));
    }
    this.#dispatch();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) break;
      if (slot.task !== undefined) continue;
      const task = this.#queue.shift() as Task;
      slot.task = task;
      slot.worker.ref(); // a running batch keeps the process alive until its promise settles
      slot.worker.postMessage({ id: task.id, rows: task.rows });
    }
    if (this.pending === 0) this.#drainWaiters.splice(0).forEach((wake) => wake());
  }

  #drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #brokenError(): PiiCryptoError {
    return new PiiCryptoError(
      PiiErrorCode.WorkerFailed,
      `cipher worker pool has no workers left: ${this.#brokenReason}`,
    );
  }
}

/** Checks shapes on the main thread, where errors have a stack and a row number. Messages never include values. */
function toWireRows(rows: CipherRow[]): WireRow[] {
  if (!Array.isArray(rows)) throw new TypeError('rows must be an array');
  return rows.map((row, r) => {
    if (!Array.isArray(row?.values)) throw new TypeError(`row ${r} has no values array`);
    row.values.forEach((value, v) => {
      if (typeof value !== 'string') throw new TypeError(`row ${r} value ${v} is not a string`);
    });
    if (row.aad !== undefined && typeof row.aad !== 'string') throw new TypeError(`row ${r} aad is not a string`);
    const index = row.index ?? [];
    index.forEach(({ kind, value }, i) => {
      if (!(BLIND_INDEX_KINDS as readonly string[]).includes(kind)) {
        throw new PiiValidationError(PiiErrorCode.UnknownIndexKind, `row ${r} index ${i} has unknown kind`);
      }
      if (typeof value !== 'string' || value === '') {
        throw new PiiValidationError(PiiErrorCode.EmptyValue, `row ${r} index ${i} (${kind}) is empty`);
      }
    });
    return { encrypt: row.values, aad: row.aad, index: index.map(({ kind, value }) => ({ kind, value })) };
  });
}

function unpack(rows: WireRow[], reply: WorkerSuccess): CipherRowResult[] {
  const { packed, lengths } = reply;
  let output = 0;
  let offset = packed.byteOffset;
  // Views on the transferred buffer: no copy per field.
  const next = (): Buffer => {
    const length = lengths[output++];
    if (length === undefined) throw new PiiCryptoError(PiiErrorCode.WorkerFailed, 'worker returned too few outputs');
    const view = Buffer.from(packed.buffer, offset, length);
    offset += length;
    return view;
  };
  return rows.map((row) => ({
    encrypted: row.encrypt.map(() => next()),
    indexes: row.index.map(() => {
      const index = next();
      if (index.length !== BLIND_INDEX_BYTES) throw new PiiCryptoError(PiiErrorCode.WorkerFailed, 'bad index size');
      return index;
    }),
  }));
}
