import { Injectable } from '@nestjs/common';
import { LogChannel, LogEntryKind } from '@bnp/contracts';
import { DataSource } from 'typeorm';

export interface TierCounts {
  tier: number;
  affected: number;
  notified: number;
  unreachable: number;
  pending: number;
}

// One row per person of the incident at their latest revision, with where their notices stand. Reached: an SMS
// delivered, an email sent, or a notice given by phone (never a one-time code: see isOneTimeCodeTemplate);
// unreachable: the notifier gave up on every channel.
const PEOPLE_SQL = `
  WITH people AS (
    SELECT DISTINCT ON ("person_id") "person_id", "tier", "dry_run", "change"
    FROM "care"."exposure_revisions" WHERE "incident_id" = $1
    ORDER BY "person_id", "revision" DESC
  ), reach AS (
    SELECT "person_id",
           bool_or(("status" = 'phone_notice'
                   OR ("channel" = ${LogChannel.SMS} AND "status" IN ('delivered', 'read'))
                   OR ("channel" = ${LogChannel.EMAIL} AND "status" IN ('sent', 'accepted', 'delivered')))
                   -- a one-time code (activation, care code) delivered is not the notice delivered
                   AND "template_id" !~ '^(activation|care-code)[.]') AS "reached",
           bool_or("kind" = ${LogEntryKind.UNREACHABLE}) AS "gave_up"
    FROM "care"."log_entries"
    WHERE "incident_id" = $1 AND "kind" IN (${LogEntryKind.NOTICE_QUEUED}, ${LogEntryKind.DELIVERY_ATTEMPT},
                                            ${LogEntryKind.STATUS_CHANGED}, ${LogEntryKind.UNREACHABLE})
    GROUP BY "person_id"
  )
  SELECT p."person_id", p."tier", coalesce(r."reached", false) AS "reached", coalesce(r."gave_up", false) AS "gave_up"
  FROM people p LEFT JOIN reach r USING ("person_id")
  WHERE NOT p."dry_run" AND p."change" <> 3`;

/** Counts and the unreachable list of one incident, from care's read model. */
@Injectable()
export class BoardRepository {
  constructor(private readonly dataSource: DataSource) {}

  async counts(incidentId: string): Promise<TierCounts[]> {
    return this.dataSource.query(
      `SELECT "tier", count(*)::int AS "affected",
              count(*) FILTER (WHERE "reached")::int AS "notified",
              count(*) FILTER (WHERE NOT "reached" AND "gave_up")::int AS "unreachable",
              count(*) FILTER (WHERE NOT "reached" AND NOT "gave_up")::int AS "pending"
       FROM (${PEOPLE_SQL}) s GROUP BY "tier" ORDER BY "tier" DESC`,
      [incidentId],
    );
  }

  async paused(incidentId: string): Promise<boolean> {
    const rows: { action: string }[] = await this.dataSource.query(
      `SELECT "action" FROM "care"."incident_controls" WHERE "incident_id" = $1 AND "action" IN ('paused', 'resumed')
       ORDER BY "decided_at" DESC LIMIT 1`,
      [incidentId],
    );
    return rows[0]?.action === 'paused';
  }

  /** The people no channel reached, with their masked numbers: the list for a substitute-notice campaign. */
  async unreachable(incidentId: string, limit: number): Promise<{ personId: string; tier: number; numbers: string }[]> {
    const rows: { person_id: string; tier: number; numbers: string | null }[] = await this.dataSource.query(
      `SELECT s."person_id", s."tier",
              (SELECT string_agg(DISTINCT n."msisdn_masked", ' ') FROM "care"."exposure_numbers" n
               WHERE n."incident_id" = $1 AND n."person_id" = s."person_id" AND n."still_held") AS "numbers"
       FROM (${PEOPLE_SQL}) s WHERE NOT s."reached" AND s."gave_up" ORDER BY s."tier" DESC, s."person_id" LIMIT $2`,
      [incidentId, limit],
    );
    return rows.map((row) => ({ personId: row.person_id, tier: row.tier, numbers: row.numbers ?? '' }));
  }
}
