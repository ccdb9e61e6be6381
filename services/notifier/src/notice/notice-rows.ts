import type { NoticeEntity } from './notice.entity';

/** Inserts notices from one JSON array parameter, set-based. */
export const INSERT_NOTICES = `INSERT INTO "notify"."notices" SELECT * FROM jsonb_populate_recordset(NULL::"notify"."notices", $1::jsonb)`;

/** Notices as JSON rows for jsonb_populate_recordset (bytea as \\x hex, times as ISO strings). */
export function noticesJson(notices: NoticeEntity[]): string {
  const rows = notices.map((notice) => ({
    notice_id: notice.noticeId,
    kind: notice.kind,
    idempotency_key: notice.idempotencyKey,
    exposure_id: notice.exposureId,
    incident_id: notice.incidentId,
    person_id: notice.personId,
    revision: notice.revision,
    change: notice.change,
    tier: notice.tier,
    language: notice.language,
    categories: notice.categories,
    new_categories: notice.newCategories,
    actions: notice.actions,
    channels: notice.channels,
    attack_vectors: notice.attackVectors,
    msisdns_masked: notice.msisdnsMasked,
    email_ciphertext: notice.emailCiphertext ? `\\x${notice.emailCiphertext.toString('hex')}` : null,
    email_masked: notice.emailMasked,
    detected_at: notice.detectedAt?.toISOString() ?? null,
    occurred_to: notice.occurredTo?.toISOString() ?? null,
    jurisdiction: notice.jurisdiction,
    policy_version: notice.policyVersion,
    policy_rule: notice.policyRule,
    dry_run: notice.dryRun,
    notice_already_sent: notice.noticeAlreadySent,
    reference_code: notice.referenceCode,
    state: notice.state,
    outcome: notice.outcome,
    needs_enrollment: notice.needsEnrollment,
    enrollment_deadline: notice.enrollmentDeadline?.toISOString() ?? null,
    enrollment_id: notice.enrollmentId,
    enrollment_timed_out: notice.enrollmentTimedOut,
    received_at: notice.receivedAt.toISOString(),
    released_at: notice.releasedAt?.toISOString() ?? null,
    settled_at: notice.settledAt?.toISOString() ?? null,
    source_partition: notice.sourcePartition,
    source_offset: notice.sourceOffset,
  }));
  return JSON.stringify(rows);
}
