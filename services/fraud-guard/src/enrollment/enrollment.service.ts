import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ExposureChange } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { Batcher } from '@bnp/persistence';
import { FieldCipher } from '@bnp/pii';
import { ActivationCodeMinter, SecretHasher } from '../activation/activation-code';
import type { FraudGuardConfig } from '../config';
import { aad } from '../pii-context';
import { FRAUD_CONFIG } from '../tokens';
import { planCommands } from './command-plan';
import { EnrollmentRepository } from './enrollment.repository';
import { personKey, type EnrollmentTransaction } from './enrollment.transaction';
import {
  commandRows,
  countBy,
  decide,
  enrollmentIdOf,
  outcomeOf,
  partnerEnrollmentIds,
  protectionMessages,
  scopeChanges,
  type CommandsOf,
  type Protecting,
  type ProtectionTerms,
  type ProtectOutcome,
  type Widening,
} from './protection-plan';
import type { ProtectionRequest } from './protection-request';
import { ProtectionErrorCode } from './protection.exception';

export type { ProtectOutcome } from './protection-plan';

const CODE_DRAWS = 3;

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
  private readonly terms: ProtectionTerms;

  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly minter: ActivationCodeMinter,
    private readonly hasher: SecretHasher,
    private readonly cipher: FieldCipher,
    @Inject(FRAUD_CONFIG) config: FraudGuardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.terms = {
      monitoringMonths: config.FRAUD_MONITORING_MONTHS,
      enrollByDays: config.FRAUD_ENROLL_BY_DAYS,
      commandResendAfterMs: config.FRAUD_COMMAND_RESEND_AFTER_MS,
    };
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
      const decisions = requests.map((request) => decide(request, existing.get(personKey(request)), now, this.terms));
      const enrolls = decisions.filter((decision) => decision.kind === 'enroll');
      const widens = decisions.filter((decision) => decision.kind === 'widen');
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
      await tx.updateScopes(scopeChanges(decisions));
      await tx.queuePartnerEnrollments(partnerEnrollmentIds(decisions));
      const codes = await this.mintCodes(tx, protecting);
      const protectedCounts = await tx.protectedSubscriptionCounts(widens.map((decision) => decision.existing.id));
      await tx.appendOutbox(protectionMessages(decisions, { commands, codes, protectedCounts, now }));
      return decisions.map((decision) => outcomeOf(decision, commands));
    });
    this.logger.info(
      { people: requests.length, outcomes: countBy(outcomes), ms: Math.round(performance.now() - started) },
      'exposures handled',
    );
    return outcomes;
  }

  /**
   * One command per number still held and operator action not yet commanded on it (a widening
   * revision commands only what is new), held while the incident is paused. Returns, per enrollment,
   * the commands that were new and whether they are held.
   */
  private async insertCommands(
    tx: EnrollmentTransaction,
    protecting: readonly Protecting[],
    widens: readonly Widening[],
    now: Date,
  ): Promise<Map<string, CommandsOf>> {
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
      commandRows(
        enrollmentIdOf(decision),
        decision.request,
        commands,
        now,
        holding.has(decision.request.incidentId),
        this.terms.commandResendAfterMs,
      ),
    );
    // Held only where there was something to hold (as the log entry's held_while_paused says).
    const result = new Map<string, CommandsOf>(
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
      throw new DomainException(
        ProtectionErrorCode.CodeSpaceCollision,
        `no unused activation code in ${CODE_DRAWS} draws`,
      );
    }
    return minted;
  }
}
