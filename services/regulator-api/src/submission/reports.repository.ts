import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface StoredReport {
  report_id: string;
  incident_id: string;
  revision: number;
  kind: string;
  jurisdiction: string;
  regulator_id: string;
  obligation_ids: string[];
  jws: string;
  state: 'pending' | 'filed';
  attempts: number;
  last_error: string | null;
  receipt_id: string | null;
  filed_at: Date | null;
  receipt: Record<string, unknown> | null;
  created_at: Date;
}

export interface NewReport {
  reportId: string;
  incidentId: string;
  revision: number;
  kind: string;
  jurisdiction: string;
  regulatorId: string;
  obligationIds: string[];
  jws: string;
}

@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent per report id: filing the same report twice keeps the first (and its receipt). */
  async insert(report: NewReport): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO "regulator"."reports" ("report_id", "incident_id", "revision", "kind", "jurisdiction", "regulator_id", "obligation_ids", "jws", "state")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') ON CONFLICT ("report_id") DO NOTHING RETURNING "report_id"`,
      [
        report.reportId,
        report.incidentId,
        report.revision,
        report.kind,
        report.jurisdiction,
        report.regulatorId,
        report.obligationIds,
        report.jws,
      ],
    );
    return rows.length > 0;
  }

  forIncident(incidentId: string): Promise<StoredReport[]> {
    return this.dataSource.query<StoredReport[]>(
      `SELECT * FROM "regulator"."reports" WHERE "incident_id" = $1 ORDER BY "created_at", "report_id"`,
      [incidentId],
    );
  }

  /** Pending reports whose next attempt is due, locked for this instance (SKIP LOCKED: instances share the work). */
  claimDue(manager: EntityManager, limit: number): Promise<StoredReport[]> {
    return manager.query<StoredReport[]>(
      `SELECT * FROM "regulator"."reports" WHERE "state" = 'pending' AND "next_attempt_at" <= now()
       ORDER BY "next_attempt_at" LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async markFiled(
    manager: EntityManager,
    reportId: string,
    receipt: { receiptId: string; receivedAt: string },
    raw: unknown,
  ) {
    await manager.query(
      `UPDATE "regulator"."reports" SET "state" = 'filed', "attempts" = "attempts" + 1, "receipt_id" = $2, "filed_at" = $3,
         "receipt" = $4, "last_error" = NULL WHERE "report_id" = $1`,
      [reportId, receipt.receiptId, receipt.receivedAt, JSON.stringify(raw)],
    );
  }

  async markRetry(manager: EntityManager, reportId: string, error: string, delayMs: number) {
    await manager.query(
      `UPDATE "regulator"."reports" SET "attempts" = "attempts" + 1, "last_error" = $2,
         "next_attempt_at" = now() + ($3::int * interval '1 millisecond') WHERE "report_id" = $1`,
      [reportId, error.slice(0, 500), delayMs],
    );
  }

  /** Filed time per obligation id of an incident: later clocks run from these, filed clocks stop. */
  async filedAtByObligation(incidentId: string): Promise<Record<string, Date>> {
    const rows = await this.dataSource.query<{ obligation_id: string; filed_at: Date }[]>(
      `SELECT o AS "obligation_id", min("filed_at") AS "filed_at" FROM "regulator"."reports", unnest("obligation_ids") AS o
       WHERE "incident_id" = $1 AND "state" = 'filed' GROUP BY o`,
      [incidentId],
    );
    return Object.fromEntries(rows.map((row) => [row.obligation_id, row.filed_at]));
  }
}
