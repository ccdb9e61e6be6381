import { DomainException } from '@bnp/errors';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ClientBase } from 'pg';
import { BinaryCopyEncoder, CopyValue } from './binary-copy';
import { CsvParser, CsvRecord } from './csv-parser';
import { ImportErrorCode } from './import.exception';
import { RejectEntry, RejectReport } from './reject-report';
import { CsvHeader, positionalHeader, readHeader, RejectCode, RowResult } from './row-validation';
import { createStagingTableSql, qualified, StagingTable, StagingWriter } from './staging';

/** A validated row, the physical line it starts on and its key (the id the file may repeat). */
export interface Numbered<T> {
  line: number;
  key: string;
  row: T;
}

export interface MergeCounts {
  inserted: number;
  updated: number;
  /** Rows identical to what the directory already holds: not written at all. */
  unchanged: number;
}

export interface ChunkResult extends MergeCounts {
  /** Rows the set-based checks refused (duplicates, conflicts, unknown references). */
  rejects: RejectEntry[];
  /** Persons created or rewritten by a subscribers chunk. */
  persons?: { inserted: number; updated: number };
}

/** What differs between subscribers, assets and holdings; the pipeline does the rest. */
export interface CsvImportHandler<C extends string, TRow> {
  readonly columns: readonly C[];
  /** The file has no header line: every line is data, in `columns` order (scope lists). */
  readonly headerless?: boolean;
  /**
   * Whether a key seen again in the same chunk makes the earlier line a DUPLICATE_KEY reject (the last line wins).
   * Default true; scope lists store repeated values once instead.
   */
  readonly rejectDuplicateKeys?: boolean;
  /** ANALYZE the staging table before the merge (default true): only needed when the merge has joins to plan. */
  readonly analyzeStaging?: boolean;
  readonly staging: StagingTable;
  validate(fields: readonly string[], header: CsvHeader<C>): RowResult<TRow>;
  /** Staging tuples in `staging.copyColumns` order; may encrypt off the main thread. */
  toStaging(rows: readonly Numbered<TRow>[]): Promise<CopyValue[][]> | CopyValue[][];
  /**
   * Runs inside one transaction per chunk: marks rows that must not be merged (reject_code), merges the rest with
   * INSERT ... SELECT ... ON CONFLICT, and returns the counts and the rejected rows.
   */
  mergeChunk(db: ClientBase): Promise<ChunkResult>;
}

export interface PipelineOptions {
  file: string;
  report: RejectReport;
  /** Rows staged before a merge: bounds the staging table and the length of a merge transaction. */
  chunkRows: number;
  /** Rows per encryption batch (one message to a worker thread). */
  batchRows?: number;
  /** Batches submitted but not yet copied: keeps every worker busy without reading the whole file into memory. */
  maxInflightBatches?: number;
  /** Raw bytes as read, e.g. to hash the file. */
  onBytes?: (chunk: Buffer) => void;
  /** Memory for batches held while a merge runs, in bytes (default 256 MiB; never more than one chunk of rows). */
  maxParkedBytes?: number;
  onChunkMerged?: (progress: ChunkProgress) => void;
}

export interface ChunkProgress {
  chunk: number;
  rowsRead: number;
  staged: number;
  mergeSeconds: number;
}

export interface PipelineCounts extends MergeCounts {
  rowsRead: number;
  rejected: number;
  persons?: { inserted: number; updated: number };
}

interface EncodedBatch {
  tuples: Buffer;
  rows: number;
  lines: number[];
  keys: string[];
}

const READ_CHUNK_BYTES = 1 << 20;
/** A parked row also holds its line number and key string on the JS heap. */
const PARKED_ROW_OVERHEAD_BYTES = 200;

/**
 * Streams a CSV file through parse -> validate (main thread) -> toStaging (worker threads for crypto) -> binary COPY
 * into a TEMP staging table -> checks and merge, one transaction per `chunkRows` rows. Memory stays flat: one read
 * chunk, `maxInflightBatches` batches, the parked batches and the keys of one chunk. Bad rows go to the report; the
 * good ones land.
 */
export function runCsvImport<C extends string, TRow>(
  db: ClientBase,
  handler: CsvImportHandler<C, TRow>,
  options: PipelineOptions,
): Promise<PipelineCounts> {
  return new CsvImportPipeline(db, handler, options).run();
}

/** One import of one file; the steps of `runCsvImport`, each a method. Not reusable: one instance per file. */
export class CsvImportPipeline<C extends string, TRow> {
  private readonly batchRows: number;
  private readonly maxInflight: number;
  private readonly maxParkedBytes: number;
  private readonly rejectDuplicates: boolean;
  private readonly encoder: BinaryCopyEncoder;
  private readonly writer: StagingWriter;
  private readonly counts: PipelineCounts = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  private header: CsvHeader<C> | undefined;
  /** Validated rows not yet handed to `toStaging`. */
  private batch: Numbered<TRow>[] = [];
  /** Batches being encoded, copied in submission order. */
  private readonly inflight: Promise<EncodedBatch>[] = [];
  private chunk = 0;
  // Keys staged in the current chunk, to find repeated keys in Node as rows are copied (cheaper than a GROUP BY over
  // the staging table, and almost always empty). Rows are copied in file order, so the later line wins.
  private readonly chunkKeys = new Map<string, number>();
  private superseded: { line: number; by: number }[] = [];
  // While a chunk merges, reading and encryption go on: finished batches are parked in memory (bounded) and copied
  // once the connection is free again, so the cipher workers never wait for PostgreSQL.
  private merging: Promise<void> | undefined;
  private mergeFailure: unknown;
  private parked: EncodedBatch[] = [];
  private parkedBytes = 0;
  private parkedRows = 0;

  constructor(
    private readonly db: ClientBase,
    private readonly handler: CsvImportHandler<C, TRow>,
    private readonly options: PipelineOptions,
  ) {
    this.batchRows = Math.min(options.batchRows ?? 1000, options.chunkRows); // a batch never spans two chunks
    this.maxInflight = options.maxInflightBatches ?? 4;
    // Enough for the cipher worker to keep going through a whole subscribers merge (about 500,000 rows).
    this.maxParkedBytes = options.maxParkedBytes ?? 256 * 1024 * 1024;
    this.rejectDuplicates = handler.rejectDuplicateKeys ?? true;
    this.encoder = new BinaryCopyEncoder(handler.staging.copyColumns);
    this.writer = new StagingWriter(db, handler.staging);
    this.header = handler.headerless ? positionalHeader(handler.columns) : undefined;
  }

  async run(): Promise<PipelineCounts> {
    await this.prepareStaging();
    await this.readFile();
    if (this.batch.length > 0) this.submitBatch();
    while (this.inflight.length > 0) await this.copyNextBatch();
    await this.settleMerge();
    const staged = await this.writer.finish();
    if (staged > 0) await this.mergeStaged(staged);
    await this.options.report.flush();
    return this.counts;
  }

  private async prepareStaging(): Promise<void> {
    await this.db.query(createStagingTableSql(this.handler.staging));
    await this.db.query(`TRUNCATE ${qualified(this.handler.staging)}`);
  }

  /** Parses and validates the file as it streams in, never more than `maxInflight` batches ahead of the copy. */
  private async readFile(): Promise<void> {
    const parser = new CsvParser();
    const decoder = new StringDecoder('utf8');
    for await (const bytes of createReadStream(this.options.file, { highWaterMark: READ_CHUNK_BYTES })) {
      const chunkBytes = bytes as Buffer;
      this.options.onBytes?.(chunkBytes);
      for (const record of parser.push(decoder.write(chunkBytes))) this.handleRecord(record);
      await this.options.report.flush();
      while (this.inflight.length > this.maxInflight) await this.copyNextBatch();
    }
    for (const record of [...parser.push(decoder.end()), ...parser.end()]) this.handleRecord(record);
    if (this.header === undefined) {
      throw new DomainException(ImportErrorCode.InvalidHeader, 'the file is empty: no header line');
    }
  }

  /** The header line, or a data row: rejected with its reason, or batched for staging. */
  private handleRecord(record: CsvRecord): void {
    if (this.header === undefined) {
      if (record.error !== undefined) {
        throw new DomainException(ImportErrorCode.InvalidHeader, `line 1 (the header) is malformed: ${record.error}`);
      }
      this.header = readHeader(this.handler.columns, record.fields);
      return;
    }
    this.counts.rowsRead++;
    if (record.error !== undefined) {
      this.reject({
        line: record.line,
        problems: [{ field: '', code: RejectCode.MalformedCsv, message: record.error }],
      });
      return;
    }
    if (record.fields.length !== this.header.width) {
      const message = `has ${record.fields.length} fields, the header has ${this.header.width}`;
      this.reject({ line: record.line, problems: [{ field: '', code: RejectCode.FieldCount, message }] });
      return;
    }
    const result = this.handler.validate(record.fields, this.header);
    if (!result.ok) {
      this.reject({ line: record.line, key: result.key, problems: result.problems });
      return;
    }
    this.batch.push({ line: record.line, key: result.key, row: result.row });
    if (this.batch.length >= this.batchRows) this.submitBatch();
  }

  private reject(entry: RejectEntry): void {
    this.counts.rejected++;
    this.options.report.add(entry);
  }

  /** Hands the batch to `toStaging` (worker threads) and encodes the result as binary COPY tuples. */
  private submitBatch(): void {
    const rows = this.batch;
    this.batch = [];
    const encoded = Promise.resolve(this.handler.toStaging(rows)).then((tuples) => ({
      tuples: this.encoder.encode(tuples),
      rows: tuples.length,
      lines: rows.map((row) => row.line),
      keys: rows.map((row) => row.key),
    }));
    // Awaited in order by copyNextBatch; this only stops a failure that happens while an earlier batch is awaited
    // from counting as unhandled (which would crash the process before the import can clean up).
    encoded.catch(() => undefined);
    this.inflight.push(encoded);
  }

  private async copyNextBatch(): Promise<void> {
    if (this.mergeFailure !== undefined) await this.settleMerge(); // rethrows the merge's error
    const next = this.inflight.shift();
    if (next) await this.accept(await next);
  }

  /** Copies an encoded batch into staging (or parks it while a merge holds the connection); merges a full chunk. */
  private async accept(encoded: EncodedBatch): Promise<void> {
    if (this.merging) {
      this.park(encoded);
      if (this.parkedBytes >= this.maxParkedBytes || this.parkedRows >= this.options.chunkRows)
        await this.settleMerge();
      return;
    }
    if (this.rejectDuplicates) this.trackKeys(encoded);
    if (encoded.rows > 0) await this.writer.write(encoded.tuples, encoded.rows);
    if (this.writer.rows >= this.options.chunkRows) {
      const staged = await this.writer.finish();
      const merging = this.mergeStaged(staged);
      // Awaited by settleMerge; remembered here so the reader stops at once instead of when the parking lot is full.
      merging.catch((error: unknown) => (this.mergeFailure ??= error));
      this.merging = merging;
    }
  }

  private park(encoded: EncodedBatch): void {
    this.parked.push(encoded);
    this.parkedBytes += encoded.tuples.length + encoded.rows * PARKED_ROW_OVERHEAD_BYTES;
    this.parkedRows += encoded.rows;
  }

  /** Remembers the chunk's keys; a key seen before makes its earlier line a duplicate of this one. */
  private trackKeys(encoded: EncodedBatch): void {
    encoded.keys.forEach((key, i) => {
      const line = encoded.lines[i] as number;
      const earlier = this.chunkKeys.get(key);
      if (earlier !== undefined) this.superseded.push({ line: earlier, by: line });
      this.chunkKeys.set(key, line);
    });
  }

  /** Waits for the running merge, then copies what was parked meanwhile (which may start the next merge). */
  private async settleMerge(): Promise<void> {
    while (this.merging) {
      await this.merging;
      this.merging = undefined;
      const batches = this.parked.splice(0);
      this.parkedBytes = 0;
      this.parkedRows = 0;
      for (const encoded of batches) await this.accept(encoded);
    }
  }

  /** Checks and merges what the writer staged; the COPY must be finished (one connection does one thing at a time). */
  private async mergeStaged(staged: number): Promise<void> {
    const { db, handler } = this;
    this.chunk++;
    const started = performance.now();
    const duplicates = this.superseded;
    this.superseded = [];
    this.chunkKeys.clear();
    // Autovacuum never analyzes TEMP tables: without statistics the planner guesses the staging table's size.
    if (handler.analyzeStaging ?? true) await db.query(`ANALYZE ${qualified(handler.staging)}`);
    await db.query('BEGIN');
    let result: ChunkResult;
    try {
      if (duplicates.length > 0) await markDuplicates(db, handler.staging, duplicates);
      result = await handler.mergeChunk(db);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.count(result);
    await db.query(`TRUNCATE ${qualified(handler.staging)}`);
    this.options.onChunkMerged?.({
      chunk: this.chunk,
      rowsRead: this.counts.rowsRead,
      staged,
      mergeSeconds: (performance.now() - started) / 1000,
    });
  }

  private count(result: ChunkResult): void {
    const { counts } = this;
    for (const entry of result.rejects) this.reject(entry);
    counts.inserted += result.inserted;
    counts.updated += result.updated;
    counts.unchanged += result.unchanged;
    if (result.persons) {
      counts.persons ??= { inserted: 0, updated: 0 };
      counts.persons.inserted += result.persons.inserted;
      counts.persons.updated += result.persons.updated;
    }
  }
}

/** Marks earlier lines of a repeated key as DUPLICATE_KEY rejects (their key is reported by the handler). */
async function markDuplicates(db: ClientBase, table: StagingTable, duplicates: { line: number; by: number }[]) {
  await db.query(
    `UPDATE ${qualified(table)} s
     SET reject_code = '${RejectCode.DuplicateKey}',
         reject_reason = 'appears again on line ' || d.by || ', the last line wins'
     FROM unnest($1::int[], $2::int[]) AS d(line, by)
     WHERE s.line = d.line`,
    [duplicates.map((d) => d.line), duplicates.map((d) => d.by)],
  );
}
