import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BlindIndexer } from './blind-indexer';
import { CipherRow, CipherWorkerPool } from './cipher-worker-pool';
import { envelopeKeyId } from './envelope';
import { PiiCryptoError, PiiErrorCode } from './errors';
import { FieldCipher } from './field-cipher';
import { KeyRing } from './key-ring';

const execFileAsync = promisify(execFile);

// These specs are also the contract between cipher-worker.js and the TypeScript FieldCipher / BlindIndexer:
// if either side changes the envelope or index format, decryption or equality below fails.
describe(CipherWorkerPool.name, () => {
  const keyRing: KeyRing = { activeKeyId: 'k2', keys: { k1: randomBytes(32), k2: randomBytes(32) } };
  const blindIndexKey = randomBytes(32);
  const cipher = new FieldCipher(keyRing);
  const indexer = new BlindIndexer(blindIndexKey);
  let pool: CipherWorkerPool;

  beforeAll(() => {
    pool = new CipherWorkerPool({ keyRing, blindIndexKey, size: 2 });
  });

  afterAll(async () => {
    await pool.close();
  });

  const csvRows = (count: number): CipherRow[] =>
    Array.from({ length: count }, (_, i) => {
      const msisdn = `+92300${String(i).padStart(7, '0')}`;
      return {
        values: [msisdn, `Subscriber ${i} خان`, `user${i}@example.com`],
        aad: `subscriber:${i}`,
        index: [
          { kind: 'msisdn', value: msisdn },
          { kind: 'email', value: `user${i}@example.com` },
        ],
      };
    });

  it('encrypts every field so FieldCipher decrypts it with the row aad', async () => {
    const rows = csvRows(3);
    const results = await pool.encryptAndIndexBatch(rows);

    results.forEach((result, i) => {
      const decrypted = result.encrypted.map((envelope) => cipher.decrypt(envelope, rows[i]?.aad));
      expect(decrypted).toEqual(rows[i]?.values);
    });
  });

  it('computes the same blind indexes as BlindIndexer', async () => {
    const rows = csvRows(3);
    const results = await pool.encryptAndIndexBatch(rows);

    results.forEach((result, i) => {
      const expected = rows[i]?.index?.map(({ kind, value }) => indexer.index(kind, value));
      expect(result.indexes).toEqual(expected);
    });
  });

  it('encrypts under the active key only', async () => {
    const [[envelope]] = (await pool.encryptBatch([{ values: ['x'] }])) as [[Buffer]];

    expect(envelopeKeyId(envelope)).toBe('k2');
    expect(cipher.needsReencryption(envelope)).toBe(false);
  });

  it('handles rows without aad or indexes, and empty values', async () => {
    const [[plain, empty]] = (await pool.encryptBatch([{ values: ['no aad', ''] }])) as [[Buffer, Buffer]];

    expect(cipher.decrypt(plain)).toBe('no aad');
    expect(cipher.decrypt(empty)).toBe('');
  });

  it('returns results in row order for an import-sized batch, spread over concurrent batches', async () => {
    const batches = [csvRows(1000), csvRows(1000).reverse(), csvRows(10)];
    const results = await Promise.all(batches.map((rows) => pool.encryptBatch(rows)));

    batches.forEach((rows, b) => {
      const decrypted = results[b]?.map((envelopes, r) => envelopes.map((e) => cipher.decrypt(e, rows[r]?.aad)));
      expect(decrypted).toEqual(rows.map((row) => row.values));
    });
  });

  it('returns an empty result for an empty batch', async () => {
    await expect(pool.encryptBatch([])).resolves.toEqual([]);
  });

  it('rejects malformed rows before they reach a worker, without echoing values', async () => {
    const badValue = [{ values: ['ok', 3001234567 as unknown as string] }];
    const badKind = [{ values: [], index: [{ kind: 'phone' as never, value: '+923001234567' }] }];
    const emptyIndex = [{ values: [], index: [{ kind: 'cnic' as const, value: '' }] }];

    await expect(pool.encryptBatch(badValue)).rejects.toThrow('row 0 value 1 is not a string');
    await expect(pool.encryptAndIndexBatch(badKind)).rejects.toMatchObject({ code: PiiErrorCode.UnknownIndexKind });
    await expect(pool.encryptAndIndexBatch(emptyIndex)).rejects.toMatchObject({ code: PiiErrorCode.EmptyValue });
    await expect(pool.encryptAndIndexBatch(badKind)).rejects.not.toThrow(/923001234567/);
  });

  it('reports how many batches are queued or running', async () => {
    const running = pool.encryptBatch(csvRows(10));

    expect(pool.pending).toBe(1);
    await running;
    expect(pool.pending).toBe(0);
  });

  it('validates keys on the main thread before starting workers', () => {
    expect(() => new CipherWorkerPool({ keyRing, blindIndexKey: randomBytes(16) })).toThrow(PiiCryptoError);
    expect(() => new CipherWorkerPool({ keyRing: { activeKeyId: 'x', keys: {} }, blindIndexKey })).toThrow(
      PiiCryptoError,
    );
    expect(() => new CipherWorkerPool({ keyRing, blindIndexKey, size: 0 })).toThrow(RangeError);
  });

  it('defaults to at least one worker', async () => {
    const defaultPool = new CipherWorkerPool({ keyRing, blindIndexKey });

    expect(defaultPool.size).toBeGreaterThanOrEqual(1);
    await expect(defaultPool.encryptBatch([{ values: ['x'] }])).resolves.toHaveLength(1);
    await defaultPool.close();
  });

  describe('close', () => {
    it('finishes batches already submitted, then refuses new ones', async () => {
      const closing = new CipherWorkerPool({ keyRing, blindIndexKey, size: 1 });
      const inFlight = [closing.encryptBatch(csvRows(200)), closing.encryptBatch(csvRows(200))];

      await closing.close();

      await expect(Promise.all(inFlight)).resolves.toHaveLength(2);
      await expect(closing.encryptBatch([{ values: ['late'] }])).rejects.toMatchObject({
        code: PiiErrorCode.PoolClosed,
      });
      await expect(closing.close()).resolves.toBeUndefined();
    });
  });
});

describe(`${CipherWorkerPool.name} outside jest`, () => {
  // Services run TypeScript with `node -r @swc-node/register`; the worker must start there too, not only under jest.
  it('encrypts under node -r @swc-node/register', async () => {
    const script = `
      const { randomBytes } = require('node:crypto');
      const { CipherWorkerPool } = require(${JSON.stringify(require.resolve('./cipher-worker-pool'))});
      const { FieldCipher } = require(${JSON.stringify(require.resolve('./field-cipher'))});
      const keyRing = { activeKeyId: 'k1', keys: { k1: randomBytes(32) } };
      const pool = new CipherWorkerPool({ keyRing, blindIndexKey: randomBytes(32), size: 1 });
      pool.encryptBatch([{ values: ['ok'] }]).then(async ([[envelope]]) => {
        process.stdout.write(new FieldCipher(keyRing).decrypt(envelope));
        await pool.close();
      });
    `;
    const { stdout } = await execFileAsync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: join(__dirname, '../../..'),
      timeout: 30_000,
    });

    expect(stdout).toBe('ok');
  }, 35_000);
});
