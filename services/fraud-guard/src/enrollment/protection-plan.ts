import { randomUUID } from 'node:crypto';
import { ExposureChange, LogEntryKind, ProtectiveAction } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { logEntryMessage } from '../notification-log';
import { protectionCommandMessages } from '../protection/protection-command.message';
import { addMonths } from './calendar';
import type { PlannedCommand } from './command-plan';
import type { EnrollmentEntity } from './enrollment.entity';
import { enrollmentCreatedMessage } from './enrollment.messages';
import type { NewCommand, NewEnrollment, ScopeChange } from './enrollment.transaction';
import { actionNames, type ProtectionRequest } from './protection-request';

export type ProtectOutcome =
  'enrolled' | 'widened' | 'code-reissued' | 'narrowed' | 'duplicate' | 'not-protected' | 'not-enrolled' | 'dry-run';

const DAY_MS = 86_400_000;

/** What a batch does for one person, decided from the exposure and the enrollment on record. */
export type Decision =
  | { kind: 'skip'; request: ProtectionRequest; outcome: 'duplicate' | 'not-protected' | 'not-enrolled' }
  | { kind: 'enroll'; request: ProtectionRequest; enrollment: NewEnrollment }
  | { kind: 'widen'; request: ProtectionRequest; existing: EnrollmentEntity; addedActions: ProtectiveAction[] }
  | { kind: 'narrow'; request: ProtectionRequest; existing: EnrollmentEntity };

export type Protecting = Extract<Decision, { kind: 'enroll' | 'widen' }>;
export type Widening = Extract<Decision, { kind: 'widen' }>;
export type Narrowing = Extract<Decision, { kind: 'narrow' }>;

/** The commands of one enrollment that this batch inserted, and whether they wait for the incident to resume. */
export interface CommandsOf {
  inserted: NewCommand[];
  held: boolean;
}

/** The terms a new enrollment gets, from the service's configuration. */
export interface ProtectionTerms {
  monitoringMonths: number;
  enrollByDays: number;
  commandResendAfterMs: number;
}

/**
 * The rule for one person: a revision at or below the one on record is a duplicate; a retraction
 * narrows an enrollment (taking nothing back) or finds none; an exposure with no actions protects
 * nothing; a later revision widens the enrollment on record; otherwise the person is enrolled.
 */
export function decide(
  request: ProtectionRequest,
  existing: EnrollmentEntity | undefined,
  now: Date,
  terms: ProtectionTerms,
  newId: () => string = randomUUID,
): Decision {
  if (existing && request.revision <= existing.lastRevision) return { kind: 'skip', request, outcome: 'duplicate' };
  if (request.change === ExposureChange.RETRACTED) {
    return existing ? { kind: 'narrow', request, existing } : { kind: 'skip', request, outcome: 'not-enrolled' };
  }
  if (request.actions.length === 0) return { kind: 'skip', request, outcome: 'not-protected' };
  if (existing) {
    const addedActions = request.actions.filter((action) => !existing.actions.includes(action));
    return { kind: 'widen', request, existing, addedActions };
  }
  return { kind: 'enroll', request, enrollment: newEnrollment(request, now, terms, newId()) };
}

function newEnrollment(request: ProtectionRequest, now: Date, terms: ProtectionTerms, id: string): NewEnrollment {
  return {
    id,
    incidentId: request.incidentId,
    personId: request.personId,
    exposureId: request.exposureId,
    exposureIdempotencyKey: request.idempotencyKey,
    createdRevision: request.revision,
    lastRevision: request.revision,
    tier: request.tier,
    policyVersion: request.policyVersion,
    policyRule: request.policyRule,
    actions: request.actions,
    status: 'PENDING_ACTIVATION',
    monitoringMonths: terms.monitoringMonths,
    monitoringEndsAt: addMonths(now, terms.monitoringMonths),
    enrollBy: new Date(now.getTime() + terms.enrollByDays * DAY_MS),
    language: request.language,
  };
}

export function enrollmentIdOf(decision: Protecting): string {
  return decision.kind === 'enroll' ? decision.enrollment.id : decision.existing.id;
}

/** The actions on record plus those this revision adds, in order. */
export function mergedActions(decision: Widening): number[] {
  return [...decision.existing.actions, ...decision.addedActions].sort((a, b) => a - b);
}

/** A widening takes the new scope and tier; a narrowing keeps scope and tier and records the retraction. */
export function scopeChanges(decisions: readonly Decision[]): ScopeChange[] {
  return decisions.flatMap((decision): ScopeChange[] => {
    switch (decision.kind) {
      case 'widen':
        return [
          {
            id: decision.existing.id,
            actions: mergedActions(decision),
            tier: decision.request.tier,
            lastRevision: decision.request.revision,
            retractedRevision: null,
            language: decision.request.language,
          },
        ];
      case 'narrow':
        return [
          {
            id: decision.existing.id,
            actions: decision.existing.actions,
            tier: decision.existing.tier,
            lastRevision: decision.request.revision,
            retractedRevision: decision.request.revision,
            language: '',
          },
        ];
      case 'skip':
      case 'enroll':
        return [];
    }
  });
}

/**
 * Enrollments the monitoring partner is to be told of: new ones that ask for fraud monitoring, and
 * live ones a revision adds it to.
 */
export function partnerEnrollmentIds(decisions: readonly Decision[]): string[] {
  return decisions.flatMap((decision) => {
    if (decision.kind === 'enroll') {
      return decision.request.actions.includes(ProtectiveAction.FRAUD_MONITORING) ? [decision.enrollment.id] : [];
    }
    if (decision.kind === 'widen') {
      const live = decision.existing.status === 'PENDING_ACTIVATION' || decision.existing.status === 'ACTIVE';
      return live && decision.addedActions.includes(ProtectiveAction.FRAUD_MONITORING) ? [decision.existing.id] : [];
    }
    return [];
  });
}

/** Held commands are sent by the release job once the incident resumes; their resend clock starts then. */
export function commandRows(
  enrollmentId: string,
  request: ProtectionRequest,
  planned: PlannedCommand[],
  now: Date,
  held: boolean,
  resendAfterMs: number,
  newId: () => string = randomUUID,
): NewCommand[] {
  return planned.map(({ subscription, actions }) => ({
    commandId: newId(),
    enrollmentId,
    incidentId: request.incidentId,
    personId: request.personId,
    subscriberId: subscription.subscriberId,
    exposureRevision: request.revision,
    actions,
    msisdnCiphertext: subscription.msisdnCiphertext,
    msisdnMasked: subscription.msisdnMasked,
    status: held ? 'HELD' : 'SENT',
    attempt: 1,
    issuedAt: now,
    lastSentAt: held ? null : now,
    nextSendAt: held ? null : new Date(now.getTime() + resendAfterMs),
  }));
}

/**
 * What the batch publishes, in the requests' order: for each protected person the commands (unless
 * held), EnrollmentCreated with the code and the log entry; for a narrowing, its log entry.
 */
export function protectionMessages(
  decisions: readonly Decision[],
  results: {
    commands: ReadonlyMap<string, CommandsOf>;
    codes: ReadonlyMap<string, Buffer>;
    protectedCounts: ReadonlyMap<string, number>;
    now: Date;
  },
): OutboxMessage[] {
  return decisions.flatMap((decision) => {
    switch (decision.kind) {
      case 'skip':
        return [];
      case 'enroll':
      case 'widen': {
        const id = enrollmentIdOf(decision);
        const { inserted, held } = results.commands.get(id) ?? { inserted: [], held: false };
        const count = decision.kind === 'enroll' ? inserted.length : (results.protectedCounts.get(id) ?? 0);
        const code = results.codes.get(id);
        if (!code) throw new Error(`no activation code minted for enrollment ${id}`);
        return [
          ...(held ? [] : inserted.flatMap(protectionCommandMessages)),
          enrollmentCreated(decision, code, count),
          protectedLogEntry(decision, inserted.length, held, results.now),
        ];
      }
      case 'narrow':
        return [narrowedLogEntry(decision)];
    }
  });
}

export function outcomeOf(
  decision: Decision,
  commands: ReadonlyMap<string, { inserted: NewCommand[] }>,
): ProtectOutcome {
  switch (decision.kind) {
    case 'skip':
      return decision.outcome;
    case 'enroll':
      return 'enrolled';
    case 'narrow':
      return 'narrowed';
    case 'widen':
      return widened(decision, commands.get(decision.existing.id)?.inserted.length ?? 0) ? 'widened' : 'code-reissued';
  }
}

export function countBy(outcomes: readonly ProtectOutcome[]): Partial<Record<ProtectOutcome, number>> {
  const counts: Partial<Record<ProtectOutcome, number>> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** A later revision widened the protection when it added actions or commands; otherwise it only reissued the code. */
function widened(decision: Widening, newCommands: number): boolean {
  return decision.addedActions.length > 0 || newCommands > 0;
}

/** The notifier waits for this (per exposure) so the notice carries the code. */
function enrollmentCreated(decision: Protecting, codeCiphertext: Buffer, protectedSubscriptions: number) {
  const enrollment =
    decision.kind === 'enroll'
      ? decision.enrollment
      : {
          ...decision.existing,
          actions: mergedActions(decision),
          exposureIdempotencyKey: decision.request.idempotencyKey,
        };
  return enrollmentCreatedMessage(enrollment, codeCiphertext, protectedSubscriptions);
}

function protectedLogEntry(decision: Protecting, commands: number, held: boolean, now: Date) {
  const { request } = decision;
  if (decision.kind === 'enroll') {
    return logEntryMessage({
      incidentId: request.incidentId,
      revision: request.revision,
      personId: request.personId,
      subjectId: decision.enrollment.id,
      kind: LogEntryKind.ENROLLMENT_CREATED,
      status: 'pending_activation',
      detail: `actions=${actionNames(request.actions)} commands=${commands}${heldNote(held)} enroll_by=${decision.enrollment.enrollBy.toISOString()}`,
      occurredAt: now,
    });
  }
  return logEntryMessage({
    incidentId: request.incidentId,
    revision: request.revision,
    personId: request.personId,
    subjectId: decision.existing.id,
    kind: LogEntryKind.ENROLLMENT_CHANGED,
    status: widened(decision, commands) ? 'widened' : 'code_reissued',
    detail: `added_actions=${actionNames(decision.addedActions)} commands=${commands}${heldNote(held)}`,
    occurredAt: now,
  });
}

function narrowedLogEntry(decision: Narrowing) {
  return logEntryMessage({
    incidentId: decision.request.incidentId,
    revision: decision.request.revision,
    personId: decision.request.personId,
    subjectId: decision.existing.id,
    kind: LogEntryKind.ENROLLMENT_CHANGED,
    status: 'narrowed_protection_kept',
    // Locks are only lifted by the subscriber's biometric re-verification; the correcting notice says so.
    detail: `scope narrowed in revision ${decision.request.revision}; locks and monitoring stay in place`,
  });
}

/** For the notification log: the commands were decided but wait for the incident to resume. */
function heldNote(held: boolean): string {
  return held ? ' held_while_paused=true' : '';
}
