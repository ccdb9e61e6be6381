import { LogChannel, LogEntryKind } from '@bnp/contracts';
import {
  actionName,
  categoryName,
  channelName,
  deliveryErrorInWords,
  ruleInWords,
  templateLanguage,
  tierName,
} from './person-words';

export interface RevisionRecord {
  incident_id: string;
  revision: number;
  change: number;
  categories: number[];
  new_categories: number[];
  tier: number;
  policy_version: string;
  policy_rule: string;
  actions: number[];
  language: string;
  email_masked: string | null;
  dry_run: boolean;
  detected_at: Date | null;
  received_at: Date;
  numbers: { subscriberId: string; msisdnMasked: string; stillHeld: boolean }[];
}

export interface LogRecord {
  entry_id: string;
  occurred_at: Date;
  source: string;
  incident_id: string;
  revision: number;
  subject_id: string;
  kind: LogEntryKind;
  channel: LogChannel;
  status: string;
  template_id: string;
  template_version: string;
  recipient_masked: string;
  error_code: string;
  detail: string;
}

export interface EnrollmentRecord {
  enrollment_id: string;
  incident_id: string;
  enroll_by: Date | null;
  monitoring_months: number;
  actions: number[];
  protected_subscriptions: number;
}

export interface PersonRecords {
  personId: string;
  revisions: RevisionRecord[];
  log: LogRecord[];
  enrollments: EnrollmentRecord[];
  pausedIncidents: string[];
}

export type Reach = 'notified' | 'unreachable' | 'pending' | 'not-notified';

// Statuses after which a channel counts as having reached the person.
const REACHED = new Set(['delivered', 'read', 'phone_notice']);
const EMAIL_REACHED = new Set(['sent', 'accepted', 'delivered']);

const isDelivery = (entry: LogRecord) =>
  entry.kind === LogEntryKind.NOTICE_QUEUED ||
  entry.kind === LogEntryKind.DELIVERY_ATTEMPT ||
  entry.kind === LogEntryKind.STATUS_CHANGED ||
  entry.kind === LogEntryKind.UNREACHABLE;

/**
 * A one-time code SMS (a fraud-watch activation code, a care code) is not the breach notice: delivering it
 * says the number works, not that the person was told. Its templates are named `activation.*`, `care-code.*`.
 */
export const isOneTimeCodeTemplate = (templateId: string): boolean => /^(activation|care-code)\./.test(templateId);

function reached(entry: LogRecord): boolean {
  if (isOneTimeCodeTemplate(entry.template_id)) return false;
  const channel = channelName(entry.channel);
  if (entry.status === 'phone_notice') return true;
  return channel === 'email' ? EMAIL_REACHED.has(entry.status) : channel === 'sms' && REACHED.has(entry.status);
}

/** Notified once any channel reached them; unreachable when the notifier gave up on every channel. */
export function reachOf(log: LogRecord[]): Reach {
  const deliveries = log.filter(isDelivery);
  if (deliveries.length === 0) return 'not-notified';
  if (deliveries.some(reached)) return 'notified';
  return deliveries.some((entry) => entry.kind === LogEntryKind.UNREACHABLE) ? 'unreachable' : 'pending';
}

/** Everything an agent may see of a person, masked, grouped the way a caller asks about it. */
export function personView(records: PersonRecords) {
  const incidents = [...new Set(records.revisions.map((revision) => revision.incident_id))].map((incidentId) => ({
    incidentId,
    paused: records.pausedIncidents.includes(incidentId),
    revisions: records.revisions
      .filter((revision) => revision.incident_id === incidentId)
      .sort((a, b) => a.revision - b.revision)
      .map((revision) => ({
        revision: revision.revision,
        categories: revision.categories.map(categoryName),
        newCategories: revision.new_categories.map(categoryName),
        tier: tierName(revision.tier),
        rule: {
          id: revision.policy_rule,
          policyVersion: revision.policy_version,
          words: ruleInWords(revision.policy_rule),
        },
        actions: revision.actions.map(actionName),
        language: revision.language,
        emailMasked: revision.email_masked,
        dryRun: revision.dry_run,
        numbers: revision.numbers,
      })),
  }));
  const deliveries = records.log.filter(isDelivery);
  const notices = [...new Set(deliveries.map((entry) => entry.subject_id))].map((noticeId) => {
    const entries = deliveries.filter((entry) => entry.subject_id === noticeId);
    const templated = entries.find((entry) => entry.template_id) ?? entries[0]!;
    return {
      noticeId,
      incidentId: templated.incident_id,
      revision: templated.revision,
      channels: [...new Set(entries.map((entry) => channelName(entry.channel)).filter((name) => name !== 'none'))],
      templateId: templated.template_id || null,
      templateVersion: templated.template_version || null,
      language: templateLanguage(templated.template_id),
      reach: reachOf(entries),
      timeline: entries.map((entry) => ({
        at: entry.occurred_at.toISOString(),
        channel: channelName(entry.channel),
        status: entry.status,
        recipientMasked: entry.recipient_masked || null,
        error: deliveryErrorInWords(entry.error_code),
      })),
    };
  });
  const enrollments = records.enrollments.map((enrollment) => {
    const changes = records.log.filter(
      (entry) =>
        entry.subject_id === enrollment.enrollment_id &&
        (entry.kind === LogEntryKind.ENROLLMENT_CREATED || entry.kind === LogEntryKind.ENROLLMENT_CHANGED),
    );
    return {
      enrollmentId: enrollment.enrollment_id,
      incidentId: enrollment.incident_id,
      state: changes.at(-1)?.status ?? 'pending_activation',
      enrollBy: enrollment.enroll_by?.toISOString() ?? null,
      monitoringMonths: enrollment.monitoring_months,
      actions: enrollment.actions.map(actionName),
      protectedNumbers: enrollment.protected_subscriptions,
      history: changes.map((entry) => ({ at: entry.occurred_at.toISOString(), status: entry.status })),
    };
  });
  const commandIds = [
    ...new Set(
      records.log
        .filter((entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT)
        .map((entry) => entry.subject_id),
    ),
  ];
  const protection = commandIds.map((commandId) => {
    const sent = records.log.filter(
      (entry) => entry.subject_id === commandId && entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT,
    );
    const ack = records.log.find(
      (entry) => entry.subject_id === commandId && entry.kind === LogEntryKind.PROTECTION_ACKNOWLEDGED,
    );
    return {
      commandId,
      incidentId: sent[0]!.incident_id,
      numberMasked: sent[0]!.recipient_masked || null,
      sentAt: sent[0]!.occurred_at.toISOString(),
      sends: sent.length,
      acknowledgement: ack
        ? { outcome: ack.status, at: ack.occurred_at.toISOString(), detail: ack.detail || null }
        : null,
    };
  });
  return { personId: records.personId, reach: reachOf(records.log), incidents, notices, enrollments, protection };
}

export type PersonView = ReturnType<typeof personView>;
