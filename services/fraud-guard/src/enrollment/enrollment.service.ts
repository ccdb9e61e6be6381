import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ExposureChange, LogEntryKind, ProtectiveAction } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { Batcher } from '@bnp/persistence';
import { FieldCipher } from '@bnp/pii';
import { ActivationCodeMinter, SecretHasher } from '../activation/activation-code';
import type { FraudGuardConfig } from '../config';
import { logEntryMessage } from '../notification-log';
import { aad } from '../pii-context';
import { protectionCommandMessages } from '../protection/protection-command.message';
import { FRAUD_CONFIG } from '../tokens';
import { planCommands, type PlannedCommand } from './command-plan';
import type { EnrollmentEntity } from './enrollment.entity';
import { enrollmentCreatedMessage } from './enrollment.messages';
import {
  EnrollmentRepository,
  personKey,
  type EnrollmentTransaction,
  type NewCommand,
  type NewEnrollment,
} from './enrollment.repository';
import { addMonths } from './calendar';
import { actionNames, type ProtectionRequest } from './protection-request';
import { ProtectionErrorCode, ProtectionException } from './protection.exception';

export type ProtectOutcome =
  'enrolled' | 'widened' | 'code-reissued' | 'narrowed' | 'duplicate' | 'not-protected' | 'not-enrolled' | 'dry-run';

const CODE_DRAWS = 3;
const DAY_MS = 86_400_000;

/** What a batch does for one person, decided from the exposure and the enrollment on record. */
type Decision =
  | { kind: 'skip'; request: ProtectionRequest; outcome: 'duplicate' | 'not-protected' | 'not-enrolled' }
  | { kind: 'enroll'; request: ProtectionRequest; enrollment: NewEnrollment }
  | { kind: 'widen'; request: ProtectionRequest; existing: EnrollmentEntity; addedActions: ProtectiveAction[] }
  | { kind: 'narrow'; request: ProtectionRequest; existing: EnrollmentEntity };

type Protecting = Extract<Decision, { kind: 'enroll' | 'widen' }>;

/**
 * Protects the people whose tier asks for it. For each such exposure, in one transaction: the
 * enrollment (once per person and incident), an activation code, one command per number still held,
 * EnrollmentCreated and the notification log entries, all through the outbox, so the notifier has the
 * code before it queues the notice. The monitoring partner is only queued here and called later, on
 * its own. A widening revision adds commands for what is new; a narrowing one takes nothing back.
 * While the incident is paused the commands are recorded HELD instead of written to the outbox
 * (ADR 0007, "Pause and resume"); the enrollment, the code and EnrollmentCreated go ahead.
 *
 * Exposures consumed at the same time share that transaction (group commit, ADR 0007 "Throughput"):
 * each statement below takes the whole batch, and a batch that fails is tried again person by person.
 */
@Injectable()
export class EnrollmentService {
  private readonly batches: Batcher<ProtectionRequest, ProtectOutcome>;

  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly minter: ActivationCodeMinter,
    private readonly hasher: SecretHasher,
    private readonly cipher: FieldCipher,
    @Inject(FRAUD_CONFIG) private readonly config: FraudGuardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.batches = new Batcher<ProtectionRequest, ProtectOutcome>(
      async (requests) => (await this.protectAll(requests)).map((value) => ({ ok: true, value })),
      config.FRAUD_ENROLL_BATCH_MAX,
      config.FRAUD_ENROLL_BATCH_LINGER_MS,
      config.FRAUD_ENROLL_BATCHES_IN_FLIGHT,
      { keyOf: personKey, retryAlone: true },
    );
  }

  async protect(request: ProtectionRequest): Promise<ProtectOutcome> {
    const outcome = request.dryRun ? await this.assessDryRun(request) : await this.batches.add(request);
    this.logger.debug(
      {
        incidentId: request.incidentId,
        personId: request.personId,
        revision: request.revision,
        change: ExposureChange[request.change],
        outcome,
      },
      'exposure handled',
    );
    return outcome;
  }

  /** A dry run records what would be done, and does nothing. */
  private async assessDryRun(request: ProtectionRequest): Promise<ProtectOutcome> {
    if (request.actions.length === 0 || request.change === ExposureChange.RETRACTED) return 'not-protected';
    const recorded = await this.enrollments.recordDryRun({
      exposureIdempotencyKey: request.idempotencyKey,
      incidentId: request.incidentId,
      personId: request.personId,
      revision: request.revision,
      tier: request.tier,
      actions: request.actions,
      wouldProtectSubscriptions: planCommands(request.subscriptions, request.actions).length,
    });
    return recorded ? 'dry-run' : 'duplicate';
  }

  /** Protects several people, none twice, in one transaction; the outcomes are in the requests' order. */
  private async protectAll(requests: ProtectionRequest[]): Promise<ProtectOutcome[]> {
    const started = performance.now();
    const outcomes = await this.enrollments.inTransaction(async (tx) => {
      await tx.lockPeople(requests);
      const existing = await tx.findEnrollments(requests);
      const now = new Date();
      const decisions = requests.map((request) => this.decide(request, existing.get(personKey(request)), now));
      const enrolls = decisions.filter((decision) => decision.kind === 'enroll');
      const widens = decisions.filter((decision) => decision.kind === 'widen');
      const narrows = decisions.filter((decision) => decision.kind === 'narrow');
      const protecting: Protecting[] = [...enrolls, ...widens];

      await tx.insertEnrollments(enrolls.map((decision) => decision.enrollment));
      await tx.saveSubscriptions(
        protecting.flatMap((decision) =>
          decision.request.subscriptions.map((subscription) => ({
            ...subscription,
            enrollmentId: enrollmentIdOf(decision),
            revision: decision.request.revision,
          })),
        ),
      );
      const commands = await this.insertCommands(tx, protecting, widens, now);
      await tx.updateScopes([
        ...widens.map((decision) => ({
          id: decision.existing.id,
          actions: mergedActions(decision),
          tier: decision.request.tier,
          lastRevision: decision.request.revision,
          retractedRevision: null,
          language: decision.request.language,
        })),
        ...narrows.map((decision) => ({
          id: decision.existing.id,
          actions: decision.existing.actions,
          tier: decision.existing.tier,
          lastRevision: decision.request.revision,
          retractedRevision: decision.request.revision,
          language: '',
        })),
      ]);
      await tx.queuePartnerEnrollments([
        ...enrolls
          .filter((decision) => decision.request.actions.includes(ProtectiveAction.FRAUD_MONITORING))
          .map((decision) => decision.enrollment.id),
        ...widens
          .filter(
            (decision) =>
              decision.addedActions.includes(ProtectiveAction.FRAUD_MONITORING) &&
              (decision.existing.status === 'PENDING_ACTIVATION' || decision.existing.status === 'ACTIVE'),
          )
          .map((decision) => decision.existing.id),
      ]);
      const codes = await this.mintCodes(tx, protecting);
      const protectedCounts = await tx.protectedSubscriptionCounts(widens.map((decision) => decision.existing.id));

      await tx.appendOutbox(
        decisions.flatMap((decision) => {
          switch (decision.kind) {
            case 'skip':
              return [];
            case 'enroll':
            case 'widen': {
              const id = enrollmentIdOf(decision);
              const { inserted, held } = commands.get(id) ?? { inserted: [], held: false };
              const count = decision.kind === 'enroll' ? inserted.length : (protectedCounts.get(id) ?? 0);
              return [
                ...(held ? [] : inserted.flatMap(protectionCommandMessages)),
                this.enrollmentCreated(decision, codes.get(id) as Buffer, count),
                this.logEntry(decision, inserted.length, held, now),
              ];
            }
            case 'narrow':
              return [this.narrowedLogEntry(decision)];
          }
        }),
      );
      return decisions.map((decision) => outcomeOf(decision, commands));
    });
    this.logger.info(
      { people: requests.length, outcomes: countBy(outcomes), ms: Math.round(performance.now() - started) },
      'exposures handled',
    );
    return outcomes;
  }

  private decide(request: ProtectionRequest, existing: EnrollmentEntity | undefined, now: Date): Decision {
    if (existing && request.revision <= existing.lastRevision) return { kind: 'skip', request, outcome: 'duplicate' };
    if (request.change === ExposureChange.RETRACTED) {
      return existing ? { kind: 'narrow', request, existing } : { kind: 'skip', request, outcome: 'not-enrolled' };
    }
    if (request.actions.length === 0) return { kind: 'skip', request, outcome: 'not-protected' };
    if (existing) {
      const addedActions = request.actions.filter((action) => !existing.actions.includes(action));
      return { kind: 'widen', request, existing, addedActions };
    }
    return { kind: 'enroll', request, enrollment: this.newEnrollment(request, now) };
  }

  private newEnrollment(request: ProtectionRequest, now: Date): NewEnrollment {
    return {
      id: randomUUID(),
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
      monitoringMonths: this.config.FRAUD_MONITORING_MONTHS,
      monitoringEndsAt: addMonths(now, this.config.FRAUD_MONITORING_MONTHS),
      enrollBy: new Date(now.getTime() + this.config.FRAUD_ENROLL_BY_DAYS * DAY_MS),
      language: request.language,
    };
  }

  /**
   * One command per number still held and operator action not yet commanded on it (a widening
   * revision commands only what is new), held while the incident is paused. Returns, per enrollment,
   * the commands that were new and whether they are held.
   */
  private async insertCommands(
    tx: EnrollmentTransaction,
    protecting: readonly Protecting[],
    widens: readonly Extract<Decision, { kind: 'widen' }>[],
    now: Date,
  ): Promise<Map<string, { inserted: NewCommand[]; held: boolean }>> {
    const commanded = await tx.commandedActions(widens.map((decision) => decision.existing.id));
    const planned = protecting.map((decision) => ({
      decision,
      commands: planCommands(
        decision.request.subscriptions,
        decision.request.actions,
        commanded.get(enrollmentIdOf(decision)),
      ),
    }));
    const holding = await tx.holdingIncidents(
      planned.filter(({ commands }) => commands.length > 0).map(({ decision }) => decision.request.incidentId),
    );
    const rows = planned.flatMap(({ decision, commands }) =>
      this.commandRows(
        enrollmentIdOf(decision),
        decision.request,
        commands,
        now,
        holding.has(decision.request.incidentId),
      ),
    );
    // Held only where there was something to hold (as the log entry's held_while_paused says).
    const result = new Map<string, { inserted: NewCommand[]; held: boolean }>(
      planned.map(({ decision, commands }) => [
        enrollmentIdOf(decision),
        { inserted: [], held: commands.length > 0 && holding.has(decision.request.incidentId) },
      ]),
    );
    for (const command of await tx.insertCommands(rows)) result.get(command.enrollmentId)?.inserted.push(command);
    return result;
  }

  /**
   * Mints each exposure's activation code and keeps only its keyed hash; returns the codes encrypted
   * for EnrollmentCreated, by enrollment id. At 50 bits a clash is rare but, over millions of people,
   * not impossible: that code is minted again.
   */
  private async mintCodes(tx: EnrollmentTransaction, protecting: readonly Protecting[]): Promise<Map<string, Buffer>> {
    const minted = new Map<string, Buffer>();
    let unminted = [...protecting];
    for (let draw = 0; draw < CODE_DRAWS && unminted.length > 0; draw++) {
      const drawn = unminted.map((decision) => {
        const code = this.minter.mint();
        return { decision, code, codeHash: this.hasher.activationCode(code.body) };
      });
      const fresh = await tx.insertActivationCodes(
        drawn.map(({ decision, codeHash }) => ({
          codeHash,
          enrollmentId: enrollmentIdOf(decision),
          exposureIdempotencyKey: decision.request.idempotencyKey,
          revision: decision.request.revision,
        })),
      );
      for (const { decision, code, codeHash } of drawn) {
        if (!fresh.has(codeHash)) continue;
        const id = enrollmentIdOf(decision);
        minted.set(id, this.cipher.encrypt(code.display, aad.activationCode(id)));
      }
      unminted = unminted.filter((decision) => !minted.has(enrollmentIdOf(decision)));
    }
    if (unminted.length > 0) {
      throw new ProtectionException(
        ProtectionErrorCode.CodeSpaceCollision,
        `no unused activation code in ${CODE_DRAWS} draws`,
      );
    }
    return minted;
  }

  /** The notifier waits for this (per exposure) so the notice carries the code. */
  private enrollmentCreated(decision: Protecting, codeCiphertext: Buffer, protectedSubscriptions: number) {
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

  private logEntry(decision: Protecting, commands: number, held: boolean, now: Date) {
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

  private narrowedLogEntry(decision: Extract<Decision, { kind: 'narrow' }>) {
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

  /** Held commands are sent by the release job once the incident resumes; their resend clock starts then. */
  private commandRows(
    enrollmentId: string,
    request: ProtectionRequest,
    planned: PlannedCommand[],
    now: Date,
    held: boolean,
  ): NewCommand[] {
    return planned.map(({ subscription, actions }) => ({
      commandId: randomUUID(),
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
      nextSendAt: held ? null : new Date(now.getTime() + this.config.FRAUD_COMMAND_RESEND_AFTER_MS),
    }));
  }
}

function enrollmentIdOf(decision: Protecting): string {
  return decision.kind === 'enroll' ? decision.enrollment.id : decision.existing.id;
}

/** The actions on record plus those this revision adds, in order. */
function mergedActions(decision: Extract<Decision, { kind: 'widen' }>): number[] {
  return [...decision.existing.actions, ...decision.addedActions].sort((a, b) => a - b);
}

function outcomeOf(decision: Decision, commands: ReadonlyMap<string, { inserted: NewCommand[] }>): ProtectOutcome {
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

/** A later revision widened the protection when it added actions or commands; otherwise it only reissued the code. */
function widened(decision: Extract<Decision, { kind: 'widen' }>, newCommands: number): boolean {
  return decision.addedActions.length > 0 || newCommands > 0;
}

function countBy(outcomes: readonly ProtectOutcome[]): Partial<Record<ProtectOutcome, number>> {
  const counts: Partial<Record<ProtectOutcome, number>> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** For the notification log: the commands were decided but wait for the incident to resume. */
function heldNote(held: boolean): string {
  return held ? ' held_while_paused=true' : '';
}
