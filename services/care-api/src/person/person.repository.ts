import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EnrollmentRecord, LogRecord, PersonRecords, RevisionRecord } from './person-view';

/** Reads of care's own read model for one person (never another service's schema). */
@Injectable()
export class PersonRepository {
  constructor(private readonly dataSource: DataSource) {}

  async records(personId: string): Promise<PersonRecords | null> {
    const revisions: RevisionRecord[] = await this.dataSource.query(
      `SELECT r."incident_id", r."revision", r."change", r."categories", r."new_categories", r."tier", r."policy_version",
              r."policy_rule", r."actions", r."language", r."email_masked", r."dry_run", r."detected_at", r."received_at",
              coalesce((SELECT json_agg(json_build_object('subscriberId', n."subscriber_id", 'msisdnMasked', n."msisdn_masked",
                                                          'stillHeld', n."still_held") ORDER BY n."subscriber_id")
                        FROM "care"."exposure_numbers" n
                        WHERE n."incident_id" = r."incident_id" AND n."person_id" = r."person_id" AND n."revision" = r."revision"),
                       '[]') AS "numbers"
       FROM "care"."exposure_revisions" r WHERE r."person_id" = $1 ORDER BY r."incident_id", r."revision"`,
      [personId],
    );
    if (revisions.length === 0) return null;
    const log: LogRecord[] = await this.dataSource.query(
      `SELECT "entry_id", "occurred_at", "source", "incident_id", "revision", "subject_id", "kind", "channel", "status",
              "template_id", "template_version", "recipient_masked", "error_code", "detail"
       FROM "care"."log_entries" WHERE "person_id" = $1 ORDER BY "occurred_at", "entry_id"`,
      [personId],
    );
    const enrollments: EnrollmentRecord[] = await this.dataSource.query(
      `SELECT "enrollment_id", "incident_id", "enroll_by", "monitoring_months", "actions", "protected_subscriptions"
       FROM "care"."enrollments" WHERE "person_id" = $1 ORDER BY "received_at"`,
      [personId],
    );
    const paused: { incident_id: string; action: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ON ("incident_id") "incident_id", "action" FROM "care"."incident_controls"
       WHERE "incident_id" = ANY($1) AND "action" IN ('paused', 'resumed')
       ORDER BY "incident_id", "decided_at" DESC`,
      [[...new Set(revisions.map((revision) => revision.incident_id))]],
    );
    return {
      personId,
      revisions,
      log,
      enrollments,
      pausedIncidents: paused.filter((row) => row.action === 'paused').map((row) => row.incident_id),
    };
  }

  /** Of these people, those care knows were touched by an incident (dry runs do not count). */
  async affected(personIds: string[]): Promise<Map<string, number>> {
    const rows: { person_id: string; incidents: number }[] = await this.dataSource.query(
      `SELECT "person_id", count(DISTINCT "incident_id")::int AS "incidents" FROM "care"."exposure_revisions"
       WHERE "person_id" = ANY($1) AND NOT "dry_run" GROUP BY "person_id"`,
      [personIds],
    );
    return new Map(rows.map((row) => [row.person_id, row.incidents]));
  }

  /** The envelope of a number the person still held at their latest revision: what a supervisor may reveal. */
  async heldNumberEnvelope(personId: string, subscriberId: string): Promise<Buffer | null> {
    return (await this.heldNumber(personId, subscriberId))?.envelope ?? null;
  }

  /** A number the person still held at their latest revision (sealed, and masked): where a care code may go. */
  async heldNumber(personId: string, subscriberId: string): Promise<{ envelope: Buffer; masked: string } | null> {
    const rows: { msisdn_enc: Buffer | null; msisdn_masked: string }[] = await this.dataSource.query(
      `SELECT n."msisdn_enc", n."msisdn_masked" FROM "care"."exposure_numbers" n
       WHERE n."person_id" = $1 AND n."subscriber_id" = $2 AND n."still_held"
       ORDER BY n."revision" DESC LIMIT 1`,
      [personId, subscriberId],
    );
    const row = rows[0];
    return row?.msisdn_enc ? { envelope: row.msisdn_enc, masked: row.msisdn_masked } : null;
  }

  async emailEnvelope(personId: string): Promise<Buffer | null> {
    const rows: { email_enc: Buffer | null }[] = await this.dataSource.query(
      `SELECT "email_enc" FROM "care"."exposure_revisions" WHERE "person_id" = $1 AND "email_enc" IS NOT NULL
       ORDER BY "received_at" DESC LIMIT 1`,
      [personId],
    );
    return rows[0]?.email_enc ?? null;
  }
}
