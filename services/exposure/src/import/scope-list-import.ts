import { DomainException } from '@bnp/errors';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ClientBase } from 'pg';
import { ListKind } from '@bnp/contracts';
import { CipherWorkerPool } from '@bnp/pii';
import { CopyValue } from './binary-copy';
import { ImportErrorCode } from './import.exception';
import { ChunkResult, CsvImportHandler, Numbered } from './import-pipeline';
import { CsvHeader, parseScopeListValue, RowResult, ScopeListKind } from './row-validation';
import { qualified, StagingTable } from './staging';
import { TABLES } from '../schema';

const STAGING: StagingTable = {
  name: 'import_scope_list',
  copyColumns: [
    { name: 'line', type: 'int4' },
    { name: 'value', type: 'text' },
  ],
};

const T = qualified(STAGING);

export const LIST_KINDS: Record<ScopeListKind, ListKind> = {
  'subscriber-ids': ListKind.SUBSCRIBER_IDS,
  msisdns: ListKind.MSISDNS,
};

export interface ExistingScopeList {
  sha256: string;
  kind: number;
  entries: number;
}

export interface ScopeListOutcome {
  entries: number;
  /** Valid lines whose value an earlier line already had; stored once. */
  duplicates: number;
  /** Entries that match no subscriber (any status) in the directory today: typos, or numbers never ours. */
  notInDirectory: number;
}

/**
 * A list of subscriber ids or MSISDNs, one per line and no header, that a breach event references by id and sha256
 * when it is too large for a Kafka message. MSISDNs are normalized and stored only as hex blind indexes. The whole
 * file is staged, then the list and its entries are written in one transaction: an event never sees half a list.
 * List ids are immutable: importing the same file again changes nothing, a different file under the same id fails.
 */
export class ScopeListImport implements CsvImportHandler<'value', string> {
  readonly columns = ['value'] as const;
  readonly headerless = true;
  readonly rejectDuplicateKeys = false; // a value listed twice is stored once
  readonly staging = STAGING;
  readonly #hash = createHash('sha256');
  #sha256: string | undefined;
  outcome: ScopeListOutcome | undefined;

  constructor(
    readonly listId: string,
    readonly kind: ScopeListKind,
    private readonly pool: CipherWorkerPool | undefined,
  ) {
    if (kind === 'msisdns' && !pool) throw new Error('an MSISDN list needs the cipher worker pool for blind indexes');
  }

  /** Feed every byte of the file, in order, before the merge. */
  hashBytes(chunk: Buffer): void {
    this.#hash.update(chunk);
  }

  get sha256(): string {
    this.#sha256 ??= this.#hash.digest('hex');
    return this.#sha256;
  }

  validate(fields: readonly string[], _header: CsvHeader<'value'>): RowResult<string> {
    return parseScopeListValue(this.kind, fields[0] ?? '');
  }

  async toStaging(rows: readonly Numbered<string>[]): Promise<CopyValue[][]> {
    if (this.kind === 'subscriber-ids') return rows.map(({ line, row }) => [line, row]);
    const results = await (this.pool as CipherWorkerPool).encryptAndIndexBatch(
      rows.map(({ row }) => ({ values: [], index: [{ kind: 'msisdn' as const, value: row }] })),
    );
    return rows.map(({ line }, i) => {
      const index = results[i]?.indexes[0];
      if (!index) throw new Error(`blind index missing for line ${line}`);
      return [line, index.toString('hex')];
    });
  }

  async mergeChunk(db: ClientBase): Promise<ChunkResult> {
    // Fails on the primary key if another session created the list meanwhile: never two lists under one id.
    await db.query(`INSERT INTO ${TABLES.scope_lists} (list_id, sha256, kind, entries) VALUES ($1, $2, $3, 0)`, [
      this.listId,
      this.sha256,
      LIST_KINDS[this.kind],
    ]);
    const { rows } = await db.query<{ entries: number; accepted: number }>(
      `WITH inserted AS (
         INSERT INTO ${TABLES.scope_list_entries} (list_id, value)
         SELECT DISTINCT $1::text, value FROM ${T} WHERE reject_code IS NULL
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM inserted)::int AS entries,
              (SELECT count(*) FROM ${T} WHERE reject_code IS NULL)::int AS accepted`,
      [this.listId],
    );
    const { entries = 0, accepted = 0 } = rows[0] ?? {};
    await db.query(`UPDATE ${TABLES.scope_lists} SET entries = $2 WHERE list_id = $1`, [this.listId, entries]);
    const match =
      this.kind === 'msisdns'
        ? `SELECT 1 FROM ${TABLES.subscribers} s WHERE s.msisdn_bidx = decode(e.value, 'hex')`
        : `SELECT 1 FROM ${TABLES.subscribers} s WHERE s.subscriber_id = e.value`;
    const unknown = await db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${TABLES.scope_list_entries} e WHERE e.list_id = $1 AND NOT EXISTS (${match})`,
      [this.listId],
    );
    this.outcome = { entries, duplicates: accepted - entries, notInDirectory: unknown.rows[0]?.count ?? 0 };
    return { inserted: entries, updated: 0, unchanged: accepted - entries, rejects: [] };
  }
}

export async function findScopeList(db: ClientBase, listId: string): Promise<ExistingScopeList | undefined> {
  const { rows } = await db.query<ExistingScopeList>(
    `SELECT sha256, kind, entries FROM ${TABLES.scope_lists} WHERE list_id = $1`,
    [listId],
  );
  return rows[0];
}

/** sha256 of a file's bytes, streamed. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function assertSameList(listId: string, kind: ScopeListKind, existing: ExistingScopeList, sha256: string): void {
  if (existing.sha256 !== sha256 || existing.kind !== Number(LIST_KINDS[kind])) {
    throw new DomainException(
      ImportErrorCode.ListIdTaken,
      `scope list ${listId} was already imported from a different file (sha256 ${existing.sha256}); ` +
        'list ids are immutable because breach events reference them: choose a new --list-id',
    );
  }
}
