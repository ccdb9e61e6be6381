import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ResolutionTransaction } from '../resolution/resolution.repository';
import { TABLES } from '../schema';
import type { RevisionSummaryFields } from './revision-summary';

/** A revision's columns that its summary (and so an approval's hash) is made of. */
export interface RevisionRow {
  status: string;
  dry_run: boolean;
  people_affected: number;
  events: number;
  policy_version: string;
  summary: unknown;
}

export interface Approval {
  subject: string;
  displayName: string;
  approvedAt: string;
  summaryHash: string;
}

/** A revision as the gate's GET shows it: counts and statuses, no personal data. */
export interface RevisionListing extends RevisionRow {
  revision: number;
  heldReason: string | null;
  regulatorDeadlineAt: Date | null;
  computeMs: number | null;
  releasedAt: Date | null;
  published: number | null;
  fannedOutAt: Date | null;
  approvals: Approval[];
}

export interface IncidentListing {
  currentRevision: number;
  paused: boolean;
  revisions: RevisionListing[];
}

/** The fields of a revision row an approver is shown (hashed by revisionSummaryHash). */
export function summaryFields(
  incidentId: string,
  revision: number,
  row: Omit<RevisionRow, 'status'>,
): RevisionSummaryFields {
  return {
    incidentId,
    revision,
    dryRun: row.dry_run,
    peopleAffected: row.people_affected,
    events: row.events,
    policyVersion: row.policy_version,
    summary: row.summary,
  };
}

/**
 * The release gate's SQL: reading an incident's revisions and approvals, and, inside a resolution
 * transaction that holds the incident's lock, approving, releasing and pausing.
 */
@Injectable()
export class GateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async incident(incidentId: string): Promise<IncidentListing | undefined> {
    const incidents: { current_revision: number; paused: boolean }[] = await this.dataSource.query(
      `SELECT "current_revision", "paused" FROM ${TABLES.incidents} WHERE "incident_id" = $1`,
      [incidentId],
    );
    const incident = incidents[0];
    if (!incident) return undefined;
    const revisions: RevisionListing[] = await this.dataSource.query(
      `SELECT r."revision", r."status", r."held_reason" AS "heldReason", r."dry_run", r."people_affected",
              r."events", r."policy_version", r."regulator_deadline_at" AS "regulatorDeadlineAt",
              r."summary", r."compute_ms" AS "computeMs", r."released_at" AS "releasedAt", r."published_events" AS "published",
              r."fanned_out_at" AS "fannedOutAt",
              coalesce((SELECT json_agg(json_build_object('subject', a."approver", 'displayName', a."display_name",
                                                          'approvedAt', a."approved_at", 'summaryHash', a."summary_sha256")
                                        ORDER BY a."approved_at")
                        FROM ${TABLES.release_approvals} a
                        WHERE a."incident_id" = r."incident_id" AND a."revision" = r."revision"), '[]') AS "approvals"
       FROM ${TABLES.revisions} r WHERE r."incident_id" = $1 ORDER BY r."revision"`,
      [incidentId],
    );
    return { currentRevision: incident.current_revision, paused: incident.paused, revisions };
  }

  async revision(tx: ResolutionTransaction, incidentId: string, revision: number): Promise<RevisionRow | undefined> {
    const rows = await tx.query<RevisionRow[]>(
      `SELECT "status", "dry_run", "people_affected", "events", "policy_version", "summary"
       FROM ${TABLES.revisions} WHERE "incident_id" = $1 AND "revision" = $2`,
      [incidentId, revision],
    );
    return rows[0];
  }

  /** False when this subject had already approved this revision. */
  async addApproval(
    tx: ResolutionTransaction,
    incidentId: string,
    revision: number,
    approver: { subject: string; displayName: string },
    summaryHash: string,
  ): Promise<boolean> {
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO ${TABLES.release_approvals} ("incident_id", "revision", "approver", "display_name", "summary_sha256")
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [incidentId, revision, approver.subject, approver.displayName, summaryHash],
    );
    return inserted.length > 0;
  }

  async approvals(tx: ResolutionTransaction, incidentId: string, revision: number): Promise<Approval[]> {
    const rows = await tx.query<
      { approver: string; display_name: string; approved_at: Date; summary_sha256: string }[]
    >(
      `SELECT "approver", "display_name", "approved_at", "summary_sha256" FROM ${TABLES.release_approvals}
       WHERE "incident_id" = $1 AND "revision" = $2 ORDER BY "approved_at"`,
      [incidentId, revision],
    );
    return rows.map((row) => ({
      subject: row.approver,
      displayName: row.display_name,
      approvedAt: row.approved_at.toISOString(),
      summaryHash: row.summary_sha256,
    }));
  }

  async markReleased(tx: ResolutionTransaction, incidentId: string, revision: number): Promise<void> {
    await tx.query(
      `UPDATE ${TABLES.revisions} SET "status" = 'RELEASED', "released_at" = now() WHERE "incident_id" = $1 AND "revision" = $2`,
      [incidentId, revision],
    );
  }

  /** False when there is no such incident. */
  async setPaused(tx: ResolutionTransaction, incidentId: string, paused: boolean): Promise<boolean> {
    const updated = await tx.query<[unknown[], number]>(
      `UPDATE ${TABLES.incidents} SET "paused" = $2, "updated_at" = now() WHERE "incident_id" = $1`,
      [incidentId, paused],
    );
    return updated[1] > 0;
  }

  /** Wakes the resolver's fan-out (it listens on exposure_events) once the transaction commits. */
  async wakeFanOut(tx: ResolutionTransaction): Promise<void> {
    await tx.query(`SELECT pg_notify('exposure_events', '')`);
  }
}
