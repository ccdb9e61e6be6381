import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TABLES } from '../schema';

export interface ClaimedJob {
  incidentId: string;
  revision: number;
  payload: Buffer;
  attempts: number;
}

/** The queue of revisions to resolve, in PostgreSQL: shared by every instance, leased, never lost. */
@Injectable()
export class ResolutionJobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent: a redelivered revision finds its job already there. */
  async enqueue(incidentId: string, revision: number, payload: Buffer): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH "inserted" AS (
         INSERT INTO ${TABLES.resolution_jobs} ("incident_id", "revision", "payload", "status")
         VALUES ($1, $2, $3, 'PENDING') ON CONFLICT DO NOTHING RETURNING 1
       ) SELECT pg_notify('exposure_jobs', '') FROM "inserted"`,
      [incidentId, revision, payload],
    );
    return rows.length > 0;
  }

  /** Claims the oldest runnable job (pending, or running with an expired lease) under a lease. */
  async claim(leaseMs: number): Promise<ClaimedJob | null> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affectedCount].
    const [rows]: [{ incident_id: string; revision: number; payload: Buffer; attempts: number }[], number] =
      await this.dataSource.query(
        `UPDATE ${TABLES.resolution_jobs} j SET "status" = 'RUNNING', "attempts" = j."attempts" + 1,
              "lease_until" = now() + make_interval(secs => $1::int / 1000.0)
       WHERE ("incident_id", "revision") = (
         SELECT "incident_id", "revision" FROM ${TABLES.resolution_jobs}
         WHERE "status" IN ('PENDING', 'RUNNING') AND ("lease_until" IS NULL OR "lease_until" < now())
         ORDER BY "created_at", "revision" LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING j."incident_id", j."revision", j."payload", j."attempts"`,
        [leaseMs],
      );
    const row = rows[0];
    return row
      ? { incidentId: row.incident_id, revision: row.revision, payload: row.payload, attempts: row.attempts }
      : null;
  }

  async complete(job: ClaimedJob): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${TABLES.resolution_jobs} SET "status" = 'DONE', "finished_at" = now(), "lease_until" = NULL, "last_error" = NULL
       WHERE "incident_id" = $1 AND "revision" = $2`,
      [job.incidentId, job.revision],
    );
  }

  /** Puts a failed job back with a delay, or marks it failed for good (visible to operators). */
  async fail(job: ClaimedJob, error: string, retryInMs: number | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${TABLES.resolution_jobs} SET "status" = $3, "last_error" = $4,
              "lease_until" = CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5::int / 1000.0) END
       WHERE "incident_id" = $1 AND "revision" = $2`,
      [job.incidentId, job.revision, retryInMs === null ? 'FAILED' : 'PENDING', error, retryInMs],
    );
  }
}
