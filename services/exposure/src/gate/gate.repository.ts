import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OutboxMessage } from '@bnp/messaging';
import { ResolutionRepository, type ResolutionTransaction } from '../resolution/resolution.repository';
import { TABLES } from '../schema';

export interface RevisionView {
  revision: number;
  status: string;
  heldReason: string | null;
  dryRun: boolean;
  peopleAffected: number | null;
  events: number | null;
  policyVersion: string;
  regulatorDeadlineAt: Date | null;
  summary: unknown;
  computeMs: number | null;
  releasedAt: Date | null;
  published: number | null;
  fannedOutAt: Date | null;
  approvals: string[];
}

export interface IncidentView {
  currentRevision: number;
  paused: boolean;
  revisions: RevisionView[];
}

/** The gate's statements inside one incident-locked transaction. */
export class GateTransaction {
  constructor(private readonly tx: ResolutionTransaction) {}

  lockIncident(incidentId: string): Promise<void> {
    return this.tx.lockIncident(incidentId);
  }

  /** The revision's status, or null when there is no such revision. */
  async revisionStatus(incidentId: string, revision: number): Promise<string | null> {
    const rows = await this.tx.query<{ status: string }[]>(
      `SELECT "status" FROM ${TABLES.revisions} WHERE "incident_id" = $1 AND "revision" = $2`,
      [incidentId, revision],
    );
    return rows[0]?.status ?? null;
  }

  /** Records one approver's approval; false when that approver had already approved this revision. */
  async addApproval(incidentId: string, revision: number, approver: string): Promise<boolean> {
    const inserted = await this.tx.query<unknown[]>(
      `INSERT INTO ${TABLES.release_approvals} ("incident_id", "revision", "approver") VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [incidentId, revision, approver],
    );
    return inserted.length > 0;
  }

  /** The approvers of a revision, first first. */
  async approvals(incidentId: string, revision: number): Promise<string[]> {
    const rows = await this.tx.query<{ approver: string }[]>(
      `SELECT "approver" FROM ${TABLES.release_approvals} WHERE "incident_id" = $1 AND "revision" = $2 ORDER BY "approved_at"`,
      [incidentId, revision],
    );
    return rows.map((row) => row.approver);
  }

  /** Marks a revision released and its exposures announced, so the relay fans its events out. */
  async release(incidentId: string, revision: number): Promise<void> {
    await this.tx.markAnnounced(incidentId, revision);
    await this.tx.query(
      `UPDATE ${TABLES.revisions} SET "status" = 'RELEASED', "released_at" = now() WHERE "incident_id" = $1 AND "revision" = $2`,
      [incidentId, revision],
    );
  }

  /** False when there is no such incident. */
  async setPaused(incidentId: string, paused: boolean): Promise<boolean> {
    const [, count] = await this.tx.query<[unknown[], number]>(
      `UPDATE ${TABLES.incidents} SET "paused" = $2, "updated_at" = now() WHERE "incident_id" = $1`,
      [incidentId, paused],
    );
    return count > 0;
  }

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.tx.appendOutbox(messages);
  }

  /** Wakes the exposure relay at commit: there are events it may now publish. */
  async wakeRelay(): Promise<void> {
    await this.tx.query(`SELECT pg_notify('exposure_events', '')`);
  }
}

/** Reads and writes of the release gate: approvals, release, pause and resume, and the incident's view. */
@Injectable()
export class GateRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resolutions: ResolutionRepository,
  ) {}

  inTransaction<T>(work: (tx: GateTransaction) => Promise<T>): Promise<T> {
    return this.resolutions.inTransaction((tx) => work(new GateTransaction(tx)));
  }

  /** The incident with its revisions and their approvals; null when there is no such incident. */
  async incident(incidentId: string): Promise<IncidentView | null> {
    const incidents = await this.dataSource.query<{ current_revision: number; paused: boolean }[]>(
      `SELECT "current_revision", "paused" FROM ${TABLES.incidents} WHERE "incident_id" = $1`,
      [incidentId],
    );
    const incident = incidents[0];
    if (!incident) return null;
    const revisions = await this.dataSource.query<RevisionView[]>(
      `SELECT r."revision", r."status", r."held_reason" AS "heldReason", r."dry_run" AS "dryRun", r."people_affected" AS "peopleAffected",
              r."events", r."policy_version" AS "policyVersion", r."regulator_deadline_at" AS "regulatorDeadlineAt",
              r."summary", r."compute_ms" AS "computeMs", r."released_at" AS "releasedAt", r."published_events" AS "published",
              r."fanned_out_at" AS "fannedOutAt",
              coalesce((SELECT array_agg(a."approver" ORDER BY a."approved_at") FROM ${TABLES.release_approvals} a
                        WHERE a."incident_id" = r."incident_id" AND a."revision" = r."revision"), '{}') AS "approvals"
       FROM ${TABLES.revisions} r WHERE r."incident_id" = $1 ORDER BY r."revision"`,
      [incidentId],
    );
    return { currentRevision: incident.current_revision, paused: incident.paused, revisions };
  }
}
