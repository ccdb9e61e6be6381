import {
  BlindIndexer,
  FieldCipher,
  type BlindIndexKind,
  type CipherRow,
  type CipherRowResult,
  type KeyRing,
} from '@bnp/pii';
import type { RowCipher } from '../import/subscriber-import';

/**
 * Encrypts and blind-indexes on the event loop: a change carries one row, not worth a trip to a worker thread.
 * Same envelopes and indexes as the import's CipherWorkerPool (its spec checks the worker against these classes).
 */
export class InventoryRowCipher implements RowCipher {
  readonly #cipher: FieldCipher;
  readonly #indexer: BlindIndexer;

  constructor(keyRing: KeyRing, blindIndexKey: Buffer) {
    this.#cipher = new FieldCipher(keyRing);
    this.#indexer = new BlindIndexer(blindIndexKey);
  }

  async encryptAndIndexBatch(rows: CipherRow[]): Promise<CipherRowResult[]> {
    return rows.map((row) => ({
      encrypted: row.values.map((value) => this.#cipher.encrypt(value, row.aad)),
      indexes: (row.index ?? []).map(({ kind, value }) => this.#indexer.index(kind, value)),
    }));
  }

  indexHex(kind: BlindIndexKind, normalizedValue: string): string {
    return this.#indexer.indexHex(kind, normalizedValue);
  }
}
