import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ControlRow, EnrollmentRow, ExposureNumberRow, ExposureRow, LogRow } from './feed.rows';

/**
 * Writes the read model. Every row is keyed by its event's own id (entry, enrollment, control, or incident +
 * person + revision), so a redelivered or replayed event is a no-op: the primary key is the last word.
 */
@Injectable()
export class FeedRepository {
  constructor(private readonly dataSource: DataSource) {}

  async saveExposure(exposure: ExposureRow, numbers: ExposureNumberRow[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO "care"."exposure_revisions"
           ("incident_id", "person_id", "revision", "exposure_id", "change", "categories", "new_categories", "tier",
            "policy_version", "policy_rule", "channels", "actions", "language", "email_masked", "email_enc", "email_bidx",
            "dry_run", "jurisdiction", "detected_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT ON CONSTRAINT "PK_care_exposure_revisions" DO NOTHING RETURNING 1`,
        [
          exposure.incidentId,
          exposure.personId,
          exposure.revision,
          exposure.exposureId,
          exposure.change,
          exposure.categories,
          exposure.newCategories,
          exposure.tier,
          exposure.policyVersion,
          exposure.policyRule,
          exposure.channels,
          exposure.actions,
          exposure.language,
          exposure.emailMasked,
          exposure.emailEnc,
          exposure.emailBidx,
          exposure.dryRun,
          exposure.jurisdiction,
          exposure.detectedAt,
        ],
      );
      if (inserted.length === 0) return false;
      if (numbers.length > 0) {
        await manager.query(
          `INSERT INTO "care"."exposure_numbers"
             ("incident_id", "person_id", "revision", "subscriber_id", "still_held", "line_type", "msisdn_masked",
              "msisdn_enc", "msisdn_bidx")
           SELECT $1, $2, $3, n.* FROM unnest($4::text[], $5::boolean[], $6::smallint[], $7::text[], $8::bytea[], $9::bytea[])
             AS n("subscriber_id", "still_held", "line_type", "msisdn_masked", "msisdn_enc", "msisdn_bidx")
           ON CONFLICT ON CONSTRAINT "PK_care_exposure_numbers" DO NOTHING`,
          [
            exposure.incidentId,
            exposure.personId,
            exposure.revision,
            numbers.map((n) => n.subscriberId),
            numbers.map((n) => n.stillHeld),
            numbers.map((n) => n.lineType),
            numbers.map((n) => n.msisdnMasked),
            numbers.map((n) => n.msisdnEnc),
            numbers.map((n) => n.msisdnBidx),
          ],
        );
      }
      return true;
    });
  }

  async saveLogEntry(entry: LogRow): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO "care"."log_entries"
         ("entry_id", "occurred_at", "source", "incident_id", "revision", "person_id", "subject_id", "kind", "channel",
          "status", "template_id", "template_version", "recipient_masked", "error_code", "detail")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT ON CONSTRAINT "PK_care_log_entries" DO NOTHING RETURNING 1`,
      [
        entry.entryId,
        entry.occurredAt,
        entry.source,
        entry.incidentId,
        entry.revision,
        entry.personId,
        entry.subjectId,
        entry.kind,
        entry.channel,
        entry.status,
        entry.templateId,
        entry.templateVersion,
        entry.recipientMasked,
        entry.errorCode,
        entry.detail,
      ],
    );
    return inserted.length > 0;
  }

  async saveEnrollment(enrollment: EnrollmentRow): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO "care"."enrollments"
         ("enrollment_id", "incident_id", "person_id", "exposure_idempotency_key", "enroll_by", "monitoring_months",
          "actions", "protected_subscriptions")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT "PK_care_enrollments" DO NOTHING RETURNING 1`,
      [
        enrollment.enrollmentId,
        enrollment.incidentId,
        enrollment.personId,
        enrollment.exposureIdempotencyKey,
        enrollment.enrollBy,
        enrollment.monitoringMonths,
        enrollment.actions,
        enrollment.protectedSubscriptions,
      ],
    );
    return inserted.length > 0;
  }

  async saveControl(control: ControlRow): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO "care"."incident_controls" ("control_id", "incident_id", "revision", "action", "reason", "decided_at")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT "PK_care_incident_controls" DO NOTHING RETURNING 1`,
      [control.controlId, control.incidentId, control.revision, control.action, control.reason, control.decidedAt],
    );
    return inserted.length > 0;
  }
}
