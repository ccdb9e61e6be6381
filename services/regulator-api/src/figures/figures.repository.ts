import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IncidentFigures } from '../report/compose-report';

interface RevisionRow {
  incident_id: string;
  revision: number;
  jurisdiction: string;
  detected_at: Date;
  occurred_to: Date | null;
  attack_vectors: number[];
  people_affected: number;
  summary: {
    subscriptionsAffected?: number;
    peopleByTier?: Record<string, number>;
    peopleByCategory?: Record<string, number>;
    subscriptionsByRegion?: Record<string, number>;
  };
}

const SENT = `('accepted', 'sent', 'delivered')`;
const PENDING = `('waiting', 'queued', 'sending', 'unknown')`;

/**
 * The figures of an incident, read (never written) from the exposure and notice stores: counts only,
 * no person's data. A read model for reports; every figure can be re-derived from the transparency log.
 */
@Injectable()
export class FiguresRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The incident's jurisdiction, from its newest revision that is not a dry run; null when unknown. */
  async jurisdictionOf(incidentId: string): Promise<string | null> {
    const rows = await this.dataSource.query<{ jurisdiction: string }[]>(
      `SELECT "jurisdiction" FROM "exposure"."revisions" WHERE "incident_id" = $1 AND NOT "dry_run"
       ORDER BY "revision" DESC LIMIT 1`,
      [incidentId],
    );
    return rows[0]?.jurisdiction ?? null;
  }

  /** Incidents with a revision that is not a dry run, newest first; a regulator sees only its jurisdiction's. */
  async incidents(
    jurisdiction: string | null,
  ): Promise<{ incidentId: string; jurisdiction: string; revision: number; detectedAt: Date }[]> {
    const rows = await this.dataSource.query<
      { incident_id: string; jurisdiction: string; revision: number; detected_at: Date }[]
    >(
      `SELECT DISTINCT ON ("incident_id") "incident_id", "jurisdiction", "revision", "detected_at"
       FROM "exposure"."revisions" WHERE NOT "dry_run" AND ($1::text IS NULL OR "jurisdiction" = $1)
       ORDER BY "incident_id", "revision" DESC`,
      [jurisdiction],
    );
    return rows.map((row) => ({
      incidentId: row.incident_id,
      jurisdiction: row.jurisdiction,
      revision: row.revision,
      detectedAt: row.detected_at,
    }));
  }

  async figures(incidentId: string): Promise<Omit<IncidentFigures, 'checkpoint'> | null> {
    const [revision] = await this.dataSource.query<RevisionRow[]>(
      `SELECT "incident_id", "revision", "jurisdiction", "detected_at", "occurred_to", "attack_vectors", "people_affected", "summary"
       FROM "exposure"."revisions" WHERE "incident_id" = $1 AND NOT "dry_run" ORDER BY "revision" DESC LIMIT 1`,
      [incidentId],
    );
    if (!revision) return null;
    const byChannelStatus = await this.dataSource.query<{ channel: string; state: string; count: number }[]>(
      `SELECT "channel", "state", count(*)::int AS "count" FROM "notify"."deliveries" WHERE "incident_id" = $1 GROUP BY 1, 2`,
      [incidentId],
    );
    const [timing] = await this.dataSource.query<
      { first_notice_at: Date | null; h24: number; h48: number; h72: number }[]
    >(
      `SELECT min(COALESCE("accepted_at", "last_attempt_at")) AS "first_notice_at",
         count(DISTINCT "person_id") FILTER (WHERE COALESCE("accepted_at", "last_attempt_at") <= $2::timestamptz + interval '24 hours')::int AS "h24",
         count(DISTINCT "person_id") FILTER (WHERE COALESCE("accepted_at", "last_attempt_at") <= $2::timestamptz + interval '48 hours')::int AS "h48",
         count(DISTINCT "person_id") FILTER (WHERE COALESCE("accepted_at", "last_attempt_at") <= $2::timestamptz + interval '72 hours')::int AS "h72"
       FROM "notify"."deliveries" WHERE "incident_id" = $1 AND "state" IN ${SENT}`,
      [incidentId, revision.detected_at],
    );
    const [unreachable] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(DISTINCT n."person_id")::int AS "count" FROM "notify"."notices" n
       WHERE n."incident_id" = $1 AND n."kind" = 'notice' AND NOT n."dry_run"
         AND NOT EXISTS (SELECT 1 FROM "notify"."deliveries" d WHERE d."notice_id" = n."notice_id"
                         AND (d."state" IN ${SENT} OR d."state" IN ${PENDING}))`,
      [incidentId],
    );
    const sum = (key: 'channel' | 'state') =>
      byChannelStatus.reduce<Record<string, number>>((totals, row) => {
        totals[row[key]] = (totals[row[key]] ?? 0) + row.count;
        return totals;
      }, {});
    return {
      incidentId: revision.incident_id,
      revision: revision.revision,
      jurisdiction: revision.jurisdiction,
      detectedAt: revision.detected_at,
      occurredTo: revision.occurred_to,
      attackVectors: revision.attack_vectors,
      peopleAffected: revision.people_affected,
      subscriptionsAffected: revision.summary.subscriptionsAffected ?? 0,
      peopleByTier: revision.summary.peopleByTier ?? {},
      peopleByCategory: revision.summary.peopleByCategory ?? {},
      subscriptionsByRegion: revision.summary.subscriptionsByRegion ?? {},
      deliveriesByChannel: sum('channel'),
      deliveriesByStatus: sum('state'),
      firstNoticeAt: timing?.first_notice_at ?? null,
      notifiedBy: { 24: timing?.h24 ?? 0, 48: timing?.h48 ?? 0, 72: timing?.h72 ?? 0 },
      unreachable: unreachable?.count ?? 0,
    };
  }
}
