import type { ClientBase } from 'pg';
import { BinaryCopyEncoder } from './binary-copy';
import { ChunkResult, CsvImportHandler, Numbered } from './import-pipeline';
import { createStagingTableSql, qualified, StagingWriter } from './staging';

/**
 * Merges rows validated outside a file (inventory changes from Kafka) exactly as a CSV chunk is merged: the handler's
 * encryption and blind indexes, its binary COPY into the session's TEMP staging table, its checks and merge SQL. Runs
 * in the caller's transaction, which decides what the rejects mean. The staging table is emptied before and after,
 * so no staged row (not even ciphertext) outlives the transaction on a pooled connection.
 * `beforeMerge` may mark staged rows (e.g. SubscriberImport.keepStoredPersons).
 */
export async function mergeRows<C extends string, TRow>(
  db: ClientBase,
  handler: CsvImportHandler<C, TRow>,
  rows: readonly Numbered<TRow>[],
  beforeMerge?: (db: ClientBase) => Promise<void>,
): Promise<ChunkResult> {
  const table = qualified(handler.staging);
  await db.query(createStagingTableSql(handler.staging));
  // DELETE rather than TRUNCATE: a TRUNCATE gives the table a new file each time, a cost per change here.
  await db.query(`DELETE FROM ${table}`);
  const tuples = await handler.toStaging(rows);
  const writer = new StagingWriter(db, handler.staging);
  await writer.write(new BinaryCopyEncoder(handler.staging.copyColumns).encode(tuples), tuples.length);
  await writer.finish();
  await beforeMerge?.(db);
  const result = await handler.mergeChunk(db);
  await db.query(`DELETE FROM ${table}`);
  return result;
}
