import { DomainException } from '@bnp/errors';
import { basename } from 'node:path';
import { Client } from 'pg';
import { CipherWorkerPool, KeyRing } from '@bnp/pii';
import { AssetImport } from './asset-import';
import { HoldingImport } from './holding-import';
import { ImportErrorCode } from './import.exception';
import { ChunkProgress, PipelineCounts, runCsvImport } from './import-pipeline';
import { RejectReport } from './reject-report';
import { ScopeListKind } from './row-validation';
import { assertSameList, findScopeList, ScopeListImport, sha256OfFile } from './scope-list-import';
import { SubscriberImport } from './subscriber-import';

export const IMPORT_KINDS = ['subscribers', 'assets', 'holdings', 'scope-list'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const DEFAULT_CHUNK_ROWS = 500_000;

export interface ImportRequest {
  kind: ImportKind;
  file: string;
  /** Required for `scope-list`. */
  list?: { listId: string; kind: ScopeListKind };
  /** Default `<file>.rejects.csv`. */
  rejectsFile?: string;
  /** Rows per merge transaction. */
  chunkRows?: number;
}

export interface PiiKeys {
  keyRing: KeyRing;
  blindIndexKey: Buffer;
}

export interface ImportDependencies {
  databaseUrl: string;
  /** Needed for subscribers and MSISDN scope lists; from configuration, never from the database. */
  keys?: PiiKeys;
  /** Cipher worker threads; default one per CPU minus one. */
  workers?: number;
  /** Progress and rejected rows, one line each (the CLI writes them to stderr). */
  log: (line: string) => void;
}

export interface ImportSummary extends PipelineCounts {
  kind: ImportKind;
  file: string;
  /** Set when at least one row was rejected. */
  rejectsFile?: string;
  seconds: number;
  rowsPerSecond: number;
  scopeList?: {
    listId: string;
    sha256: string;
    kind: ScopeListKind;
    entries: number;
    duplicates: number;
    notInDirectory: number;
    /** The same file was imported under this id before; nothing was written. */
    alreadyImported: boolean;
  };
}

/**
 * One import at a time: two would race on the current-holder index and on person ids. Inventory changes from Kafka take
 * it shared, per transaction, so they wait (in the consumer's retry tiers) while an import runs.
 */
export const DIRECTORY_IMPORT_LOCK = 'exposure.directory-import';
const IMPORT_LOCK_SQL = `SELECT pg_try_advisory_lock(hashtext('${DIRECTORY_IMPORT_LOCK}')) AS locked`;

/**
 * Bulk-loads the operator's directory and inventory from CSV files (docs/import-formats.md): one connection, one
 * session lock, TEMP staging tables, and a cipher worker pool when the kind carries personal data.
 */
export class DirectoryImportService {
  constructor(private readonly deps: ImportDependencies) {}

  async import(request: ImportRequest): Promise<ImportSummary> {
    const started = performance.now();
    const db = new Client({ connectionString: this.deps.databaseUrl, application_name: 'exposure-import' });
    const report = new RejectReport(
      request.rejectsFile ?? `${request.file}.rejects.csv`,
      basename(request.file),
      this.deps.log,
    );
    let pool: CipherWorkerPool | undefined;
    await db.connect();
    try {
      // temp_buffers only takes effect before the session's first use of a TEMP table.
      await db.query(`SET temp_buffers = '256MB'`);
      await db.query(`SET work_mem = '128MB'`);
      const { rows } = await db.query<{ locked: boolean }>(IMPORT_LOCK_SQL);
      if (!rows[0]?.locked) {
        throw new DomainException(
          ImportErrorCode.ImportRunning,
          'another directory import is running; try again when it ends',
        );
      }
      await report.start();
      const options = {
        file: request.file,
        report,
        chunkRows: request.chunkRows ?? DEFAULT_CHUNK_ROWS,
        onChunkMerged: (progress: ChunkProgress) => this.logProgress(progress),
      };
      let counts: PipelineCounts;
      let scopeList: ImportSummary['scopeList'];
      switch (request.kind) {
        case 'subscribers':
          pool = this.createPool('subscribers');
          counts = await runCsvImport(db, new SubscriberImport(pool), options);
          break;
        case 'assets':
          counts = await runCsvImport(db, new AssetImport(), options);
          break;
        case 'holdings':
          counts = await runCsvImport(db, new HoldingImport(), options);
          break;
        case 'scope-list': {
          const list = request.list;
          if (!list) throw new Error('a scope-list import needs a list id and kind');
          const existing = await findScopeList(db, list.listId);
          if (existing) {
            const sha256 = await sha256OfFile(request.file);
            assertSameList(list.listId, list.kind, existing, sha256);
            counts = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
            scopeList = {
              ...list,
              sha256,
              entries: existing.entries,
              duplicates: 0,
              notInDirectory: 0,
              alreadyImported: true,
            };
            break;
          }
          if (list.kind === 'msisdns') pool = this.createPool('MSISDN scope lists');
          const handler = new ScopeListImport(list.listId, list.kind, pool);
          counts = await runCsvImport(db, handler, {
            ...options,
            chunkRows: Number.POSITIVE_INFINITY, // one transaction: an event must never see half a list
            onBytes: (chunk) => handler.hashBytes(chunk),
          });
          if (!handler.outcome) {
            throw new DomainException(
              ImportErrorCode.EmptyList,
              `scope list ${list.listId} has no valid entry (${counts.rejected} rejected line(s)); nothing was stored`,
            );
          }
          scopeList = { ...list, sha256: handler.sha256, ...handler.outcome, alreadyImported: false };
          break;
        }
      }
      await report.close();
      const seconds = (performance.now() - started) / 1000;
      return {
        kind: request.kind,
        file: request.file,
        ...counts,
        ...(report.count > 0 ? { rejectsFile: report.path } : {}),
        ...(scopeList ? { scopeList } : {}),
        seconds,
        rowsPerSecond: seconds > 0 ? counts.rowsRead / seconds : 0,
      };
    } finally {
      await report.close().catch(() => undefined);
      await pool?.close();
      // Ends the session: releases the advisory lock and drops the TEMP staging tables.
      await db.end();
    }
  }

  private createPool(what: string): CipherWorkerPool {
    const keys = this.deps.keys;
    if (!keys) {
      throw new DomainException(
        ImportErrorCode.KeysMissing,
        `${what} need PII_ENCRYPTION_KEYS, PII_ACTIVE_KEY_ID and PII_BLIND_INDEX_KEY`,
      );
    }
    return new CipherWorkerPool({ keyRing: keys.keyRing, blindIndexKey: keys.blindIndexKey, size: this.deps.workers });
  }

  private logProgress(progress: ChunkProgress): void {
    this.deps.log(
      `[import] chunk ${progress.chunk}: ${progress.staged.toLocaleString('en')} rows merged in ` +
        `${progress.mergeSeconds.toFixed(1)} s (${progress.rowsRead.toLocaleString('en')} read so far)`,
    );
  }
}
