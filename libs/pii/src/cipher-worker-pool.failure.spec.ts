import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { CipherWorkerPool } from './cipher-worker-pool';
import { PiiErrorCode } from './errors';

// A worker thread that crashes on its first batch, as a bug in cipher-worker.js would make it.
jest.mock('node:worker_threads', () => {
  const { EventEmitter } = jest.requireActual<typeof import('node:events')>('node:events');
  class CrashingWorker extends EventEmitter {
    static spawned = 0;
    constructor() {
      super();
      CrashingWorker.spawned++;
    }
    postMessage(): void {
      setImmediate(() => {
        this.emit('error', new Error('boom while encrypting +923001234567'));
        this.emit('exit', 1);
      });
    }
    ref(): void {}
    unref(): void {}
    terminate(): Promise<number> {
      return Promise.resolve(1);
    }
  }
  return { Worker: CrashingWorker };
});
const CrashingWorker = Worker as unknown as { spawned: number };

describe(`${CipherWorkerPool.name} when workers crash`, () => {
  const options = { keyRing: { activeKeyId: 'k1', keys: { k1: randomBytes(32) } }, blindIndexKey: randomBytes(32) };

  beforeEach(() => {
    CrashingWorker.spawned = 0;
  });

  it('rejects the running batch with WORKER_FAILED and a redacted reason', async () => {
    const pool = new CipherWorkerPool({ ...options, size: 2 });

    const failure = pool.encryptBatch([{ values: ['x'] }]);

    await expect(failure).rejects.toMatchObject({ code: PiiErrorCode.WorkerFailed });
    await expect(failure).rejects.toThrow('boom while encrypting +92 3** *** **67');
    await pool.close();
  });

  it('does not respawn, and fails every batch once no worker is left instead of hanging', async () => {
    const pool = new CipherWorkerPool({ ...options, size: 2 });

    const batches = [1, 2, 3, 4].map(() => pool.encryptBatch([{ values: ['x'] }]));

    for (const batch of batches) await expect(batch).rejects.toMatchObject({ code: PiiErrorCode.WorkerFailed });
    await expect(pool.encryptBatch([{ values: ['x'] }])).rejects.toThrow(/no workers left/);
    expect(CrashingWorker.spawned).toBe(2);
    expect(pool.pending).toBe(0);
    await expect(pool.close()).resolves.toBeUndefined();
  });
});
