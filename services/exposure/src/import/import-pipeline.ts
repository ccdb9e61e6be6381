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
export async function runCsvImport<C extends string, TRow>(
  db: ClientBase,
  handler: CsvImportHandler<C, TRow>,
  options: PipelineOptions,
): Promise<PipelineCounts> {
  const { report } = options;
  const batchRows = Math.min(options.batchRows ?? 1000, options.chunkRows); // a batch never spans two chunks
  const maxInflight = options.maxInflightBatches ?? 4;
  const encoder = new BinaryCopyEncoder(handler.staging.copyColumns);
  const writer = new StagingWriter(db, handler.staging);
  const counts: PipelineCounts = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  const inflight: Promise<EncodedBatch>[] = [];
  let header: CsvHeader<C> | undefined = handler.headerless ? positionalHeader(handler.columns) : undefined;
  let batch: Numbered<TRow>[] = [];
  let chunk = 0;

  await db.query(createStagingTableSql(handler.staging));
  await db.query(`TRUNCATE ${qualified(handler.staging)}`);

  const reject = (entry: RejectEntry) => {
    counts.rejected++;
    report.add(entry);
  };

  const submitBatch = () => {
    const rows = batch;
    batch = [];
    const encoded = Promise.resolve(handler.toStaging(rows)).then((tuples) => ({
      tuples: encoder.encode(tuples),
      rows: tuples.length,
      lines: rows.map((row) => row.line),
      keys: rows.map((row) => row.key),
    }));
    // Awaited in order by flushOne; this only stops a failure that happens while an earlier batch is awaited from
    // counting as unhandled (which would crash the process before the import can clean up).
    encoded.catch(() => undefined);
    inflight.push(encoded);
  };

  const handleRecord = (record: CsvRecord) => {
    if (header === undefined) {
      if (record.error !== undefined) {
        throw new DomainException(ImportErrorCode.InvalidHeader, `line 1 (the header) is malformed: ${record.error}`);
      }
      header = readHeader(handler.columns, record.fields);
      return;
    }
    counts.rowsRead++;
    if (record.error !== undefined) {
      reject({ line: record.line, problems: [{ field: '', code: RejectCode.MalformedCsv, message: record.error }] });
      return;
    }
    if (record.fields.length !== header.width) {
      const message = `has ${record.fields.length} fields, the header has ${header.width}`;
      reject({ line: record.line, problems: [{ field: '', code: RejectCode.FieldCount, message }] });
      return;
    }
    const result = handler.validate(record.fields, header);
    if (!result.ok) {
      reject({ line: record.line, key: result.key, problems: result.problems });
      return;
    }
    batch.push({ line: record.line, key: result.key, row: result.row });
    if (batch.length >= batchRows) submitBatch();
  };

  // Keys staged in the current chunk, to find repeated keys in Node as rows are copied (cheaper than a GROUP BY over
  // the staging table, and almost always empty). Rows are copied in file order, so the later line wins.
  const rejectDuplicates = handler.rejectDuplicateKeys ?? true;
  const chunkKeys = new Map<string, number>();
  let superseded: { line: number; by: number }[] = [];

  /** Checks and merges what the writer staged; the COPY must be finished (one connection does one thing at a time). */
  const mergeStaged = async (staged: number) => {
    chunk++;
    const started = performance.now();
    const duplicates = superseded;
    superseded = [];
    chunkKeys.clear();
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
    for (const entry of result.rejects) reject(entry);
    counts.inserted += result.inserted;
    counts.updated += result.updated;
    counts.unchanged += result.unchanged;
    if (result.persons) {
      counts.persons ??= { inserted: 0, updated: 0 };
      counts.persons.inserted += result.persons.inserted;
      counts.persons.updated += result.persons.updated;
    }
    await db.query(`TRUNCATE ${qualified(handler.staging)}`);
    options.onChunkMerged?.({
      chunk,
      rowsRead: counts.rowsRead,
      staged,
      mergeSeconds: (performance.now() - started) / 1000,
    });
  };

  // While a chunk merges, reading and encryption go on: finished batches are parked in memory (bounded) and copied
  // once the connection is free again, so the cipher workers never wait for PostgreSQL.
  let merging: Promise<void> | undefined;
  let mergeFailure: unknown;
  const parked: EncodedBatch[] = [];
  let parkedBytes = 0;
  let parkedRows = 0;
  // Enough for the cipher worker to keep going through a whole subscribers merge (about 500,000 rows).
  const maxParkedBytes = options.maxParkedBytes ?? 256 * 1024 * 1024;

  const accept = async (encoded: EncodedBatch): Promise<void> => {
    if (merging) {
      parked.push(encoded);
      parkedBytes += encoded.tuples.length + encoded.rows * PARKED_ROW_OVERHEAD_BYTES;
      parkedRows += encoded.rows;
      if (parkedBytes >= maxParkedBytes || parkedRows >= options.chunkRows) await settleMerge();
      return;
    }
    if (rejectDuplicates) {
      encoded.keys.forEach((key, i) => {
        const line = encoded.lines[i] as number;
        const earlier = chunkKeys.get(key);
        if (earlier !== undefined) superseded.push({ line: earlier, by: line });
        chunkKeys.set(key, line);
      });
    }
    if (encoded.rows > 0) await writer.write(encoded.tuples, encoded.rows);
    if (writer.rows >= options.chunkRows) {
      const staged = await writer.finish();
      merging = mergeStaged(staged);
      // Awaited by settleMerge; remembered here so the reader stops at once instead of when the parking lot is full.
      merging.catch((error: unknown) => (mergeFailure ??= error));
    }
  };

  const settleMerge = async (): Promise<void> => {
    while (merging) {
      await merging;
      merging = undefined;
      const batches = parked.splice(0);
      parkedBytes = 0;
      parkedRows = 0;
      for (const encoded of batches) await accept(encoded);
    }
  };

  const flushOne = async () => {
    if (mergeFailure !== undefined) await settleMerge(); // rethrows the merge's error
    const next = inflight.shift();
    if (next) await accept(await next);
  };

  const parser = new CsvParser();
  const decoder = new StringDecoder('utf8');
  for await (const bytes of createReadStream(options.file, { highWaterMark: READ_CHUNK_BYTES })) {
    const chunkBytes = bytes as Buffer;
    options.onBytes?.(chunkBytes);
    for (const record of parser.push(decoder.write(chunkBytes))) handleRecord(record);
    await report.flush();
    while (inflight.length > maxInflight) await flushOne();
  }
  for (const record of [...parser.push(decoder.end()), ...parser.end()]) handleRecord(record);
  if (header === undefined)
    throw new DomainException(ImportErrorCode.InvalidHeader, 'the file is empty: no header line');
  if (batch.length > 0) submitBatch();
  while (inflight.length > 0) await flushOne();
  await settleMerge();
  const staged = await writer.finish();
  if (staged > 0) await mergeStaged(staged);
  await report.flush();
  return counts;
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
