import { DomainException } from '@bnp/errors';
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogChannel, LogEntryKind } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { BlindIndexer, FieldCipher, normalizeMsisdn } from '@bnp/pii';
import type { FraudGuardConfig } from '../config';
import { EnrollmentApiErrorCode as Code } from '../enrollment/enrollment-api.exception';
import type { EnrollmentEntity } from '../enrollment/enrollment.entity';
import { logEntryMessage } from '../notification-log';
import { aad } from '../pii-context';
import { FRAUD_CONFIG } from '../tokens';
import { SecretHasher, parseActivationCode } from './activation-code';
import { activationChallengeIssuedMessage } from './activation.messages';
import { ActivationRepository, type ActivationTransaction } from './activation.repository';

export interface IssuedChallenge {
  challengeId: string;
  /** The masked number the one-time code goes to. */
  sentTo: string;
  expiresAt: Date;
}

type Refusal = { refused: Code; message: string; retryAfterSeconds?: number };

const REFUSALS: Partial<Record<Code, string>> = {
  [Code.CodeNotRecognised]: 'no enrollment has this activation code',
  [Code.WrongPerson]: 'this number is not one of the numbers the code was issued for',
  [Code.WrongSecondFactor]: 'the one-time code is wrong',
  [Code.NoPendingChallenge]: 'no one-time code is waiting: ask for one first',
  [Code.AlreadyActive]: 'the enrollment is already active',
  [Code.NotActivatable]: 'the enrollment was opted out of or has expired',
  [Code.EnrollByPassed]: 'the enrollment window has closed',
  [Code.LockedOut]: 'too many failed attempts; try again later or call the helpline',
  [Code.TooManyCodeRequests]: 'a one-time code was sent recently; use it, or ask again later',
};

/**
 * Activation with two factors, so that a code only ever activates for the person it was issued to:
 * the code and one of the person's own numbers (compared by blind index) get a one-time code sent to
 * that number (ActivationChallengeIssued, through the outbox in the transaction that creates the
 * challenge; the notifier texts it); the code and the one-time code activate. Wrong numbers and wrong
 * one-time codes count towards a lockout. The code and the one-time code are only ever compared as keyed hashes.
 * Each one-time code is a text message to the person's phone, so how often one can be asked for is limited
 * (FRAUD_OTP_RESEND_INTERVAL_MS, FRAUD_OTP_MAX_PER_HOUR): whoever holds someone's letter must not be able
 * to flood their phone, or run up the operator's SMS bill.
 */
@Injectable()
export class ActivationService {
  constructor(
    private readonly activations: ActivationRepository,
    private readonly hasher: SecretHasher,
    private readonly blindIndexer: BlindIndexer,
    private readonly cipher: FieldCipher,
    @Inject(FRAUD_CONFIG) private readonly config: FraudGuardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async requestChallenge(codeInput: string, msisdnInput: string): Promise<IssuedChallenge> {
    return this.issueChallenge(codeInput, msisdnInput, (enrollment, now) => this.closedFor(enrollment, now));
  }

  /**
   * Self-service on one's own enrollment (view, opt-out), whatever its status: the code must be this
   * enrollment's. An unknown code and another enrollment's code get the same answer.
   */
  async requestHolderChallenge(enrollmentId: string, codeInput: string, msisdnInput: string): Promise<IssuedChallenge> {
    return this.issueChallenge(codeInput, msisdnInput, (enrollment, now) =>
      holderRefusal(enrollment, enrollmentId, now),
    );
  }

  /** Proves the caller holds this enrollment's code and the one-time code just sent; consumes the one-time code. */
  async proveHolder(enrollmentId: string, codeInput: string, otpInput: string): Promise<string> {
    return this.verifyOneTimeCode(
      codeInput,
      otpInput,
      (enrollment, now) => holderRefusal(enrollment, enrollmentId, now),
      async () => undefined,
    );
  }

  private async issueChallenge(
    codeInput: string,
    msisdnInput: string,
    closed: (enrollment: EnrollmentEntity, now: Date) => Refusal | null,
  ): Promise<IssuedChallenge> {
    const codeHash = this.codeHash(codeInput);
    const msisdn = this.msisdn(msisdnInput);
    const blindIndex = this.blindIndexer.indexHex('msisdn', msisdn);
    const now = new Date();
    return this.settle(
      await this.activations.inTransaction(async (tx): Promise<IssuedChallenge | Refusal> => {
        const enrollment = await tx.lockByCodeHash(codeHash);
        if (!enrollment) return refusal(Code.CodeNotRecognised);
        const refused = closed(enrollment, now);
        if (refused) return refused;
        const number = await tx.heldNumber(enrollment.id, blindIndex);
        if (!number) return this.countFailure(tx, enrollment, now, Code.WrongPerson);
        const throttled = await this.throttle(tx, enrollment, now);
        if (throttled) return throttled;

        const challengeId = randomUUID();
        const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
        const expiresAt = new Date(now.getTime() + this.config.FRAUD_OTP_TTL_MS);
        await tx.replaceChallenge({
          id: challengeId,
          enrollmentId: enrollment.id,
          subscriberId: number.subscriberId,
          msisdnMasked: number.msisdnMasked,
          otpHash: this.hasher.oneTimeCode(challengeId, otp),
          expiresAt,
        });
        await tx.appendOutbox([
          // The code to the number the person gave (it matched one they hold), sealed for the notifier only.
          activationChallengeIssuedMessage({
            challengeId,
            enrollmentId: enrollment.id,
            incidentId: enrollment.incidentId,
            personId: enrollment.personId,
            revision: enrollment.lastRevision,
            msisdnCiphertext: this.cipher.encrypt(msisdn, aad.challengeMsisdn(challengeId)),
            msisdnMasked: number.msisdnMasked,
            otpCiphertext: this.cipher.encrypt(otp, aad.oneTimeCode(challengeId)),
            language: enrollment.language,
            expiresAt,
          }),
          this.logEntry(enrollment, 'second_factor_issued', {
            channel: LogChannel.SMS,
            recipientMasked: number.msisdnMasked,
            subjectId: challengeId,
          }),
        ]);
        return { challengeId, sentTo: number.msisdnMasked, expiresAt };
      }),
    );
  }

  async confirm(codeInput: string, otpInput: string): Promise<string> {
    return this.verifyOneTimeCode(
      codeInput,
      otpInput,
      (enrollment, now) => this.closedFor(enrollment, now),
      async (tx, enrollment, challenge, now) => {
        await tx.activate(enrollment.id, now);
        await tx.appendOutbox([
          this.logEntry(enrollment, 'active', {
            channel: LogChannel.SMS,
            recipientMasked: challenge.msisdnMasked,
            subjectId: enrollment.id,
          }),
        ]);
        this.logger.info({ enrollmentId: enrollment.id }, 'enrollment activated');
      },
    );
  }

  private async verifyOneTimeCode(
    codeInput: string,
    otpInput: string,
    closed: (enrollment: EnrollmentEntity, now: Date) => Refusal | null,
    onVerified: (
      tx: ActivationTransaction,
      enrollment: EnrollmentEntity,
      challenge: { msisdnMasked: string },
      now: Date,
    ) => Promise<void>,
  ): Promise<string> {
    const codeHash = this.codeHash(codeInput);
    if (typeof otpInput !== 'string' || !/^\d{6}$/.test(otpInput)) {
      throw new DomainException(Code.InvalidRequest, 'otp must be the 6-digit one-time code');
    }
    const now = new Date();
    return this.settle(
      await this.activations.inTransaction(async (tx): Promise<string | Refusal> => {
        const enrollment = await tx.lockByCodeHash(codeHash);
        if (!enrollment) return refusal(Code.CodeNotRecognised);
        const refused = closed(enrollment, now);
        if (refused) return refused;
        const challenge = await tx.openChallenge(enrollment.id, now);
        if (!challenge) return refusal(Code.NoPendingChallenge);
        if (!sameHex(this.hasher.oneTimeCode(challenge.id, otpInput), challenge.otpHash)) {
          return this.countFailure(tx, enrollment, now, Code.WrongSecondFactor);
        }
        await tx.consumeChallenge(challenge.id);
        await onVerified(tx, enrollment, challenge, now);
        return enrollment.id;
      }),
    );
  }

  private closedFor(enrollment: EnrollmentEntity, now: Date): Refusal | null {
    if (enrollment.status === 'ACTIVE') return refusal(Code.AlreadyActive);
    if (enrollment.status !== 'PENDING_ACTIVATION') return refusal(Code.NotActivatable);
    if (enrollment.enrollBy <= now) return refusal(Code.EnrollByPassed);
    if (enrollment.lockedUntil && enrollment.lockedUntil > now) return refusal(Code.LockedOut);
    return null;
  }

  /** Refuses a one-time code asked for too soon after the last, or beyond the hourly limit. */
  private async throttle(tx: ActivationTransaction, enrollment: EnrollmentEntity, now: Date): Promise<Refusal | null> {
    // Bounded by the limit itself: at most FRAUD_OTP_MAX_PER_HOUR rows.
    const issued = await tx.challengeTimesSince(enrollment.id, new Date(now.getTime() - HOUR_MS));
    const latest = issued.at(-1)?.getTime();
    const max = this.config.FRAUD_OTP_MAX_PER_HOUR;
    let retryAt: number | undefined;
    if (latest !== undefined && latest + this.config.FRAUD_OTP_RESEND_INTERVAL_MS > now.getTime()) {
      retryAt = latest + this.config.FRAUD_OTP_RESEND_INTERVAL_MS;
    } else if (issued.length >= max) {
      // Enough of the hour's codes have to age out first.
      retryAt = issued[issued.length - max]!.getTime() + HOUR_MS;
    }
    if (retryAt === undefined) return null;
    this.logger.warn(
      { enrollmentId: enrollment.id, recentCodes: issued.length },
      'one-time code request refused: too many',
    );
    return {
      ...refusal(Code.TooManyCodeRequests),
      retryAfterSeconds: Math.max(1, Math.ceil((retryAt - now.getTime()) / 1000)),
    };
  }

  /** Counts a wrong number or one-time code; the attempt that reaches the limit locks the enrollment. */
  private async countFailure(
    tx: ActivationTransaction,
    enrollment: EnrollmentEntity,
    now: Date,
    code: Code,
  ): Promise<Refusal> {
    const lockExpired = enrollment.lockedUntil !== null && enrollment.lockedUntil <= now;
    const failedAttempts = (lockExpired ? 0 : enrollment.failedAttempts) + 1;
    const locks = failedAttempts >= this.config.FRAUD_ACTIVATION_MAX_ATTEMPTS;
    await tx.setAttempts(
      enrollment.id,
      failedAttempts,
      locks ? new Date(now.getTime() + this.config.FRAUD_ACTIVATION_LOCKOUT_MS) : null,
    );
    await tx.appendOutbox([
      this.logEntry(enrollment, locks ? 'activation_locked_out' : 'activation_refused', {
        errorCode: code,
        detail: `failed_attempts=${failedAttempts}`,
      }),
    ]);
    this.logger.warn(
      { enrollmentId: enrollment.id, code, failedAttempts, locked: locks },
      'activation attempt refused',
    );
    return refusal(code);
  }

  private settle<T>(result: T | Refusal): T {
    if (typeof result === 'object' && result !== null && 'refused' in result)
      throw new DomainException(result.refused, result.message, { retryAfterSeconds: result.retryAfterSeconds });
    return result;
  }

  private codeHash(codeInput: string): string {
    const parsed = parseActivationCode(codeInput);
    if (!parsed.ok) {
      throw new DomainException(
        Code.MalformedCode,
        parsed.reason === 'checksum'
          ? 'the activation code has a typo (its check symbol does not match)'
          : 'an activation code looks like XXXXX-XXXXX-X',
      );
    }
    return this.hasher.activationCode(parsed.body);
  }

  /** The number as the person gave it, normalised to E.164. */
  private msisdn(msisdnInput: string): string {
    try {
      return normalizeMsisdn(msisdnInput);
    } catch {
      throw new DomainException(Code.InvalidMsisdn, 'msisdn must be a Pakistani mobile number');
    }
  }

  private logEntry(
    enrollment: EnrollmentEntity,
    status: string,
    extra: { channel?: LogChannel; recipientMasked?: string; subjectId?: string; errorCode?: string; detail?: string },
  ) {
    return logEntryMessage({
      incidentId: enrollment.incidentId,
      revision: enrollment.lastRevision,
      personId: enrollment.personId,
      kind: LogEntryKind.ENROLLMENT_CHANGED,
      status,
      ...extra,
      subjectId: extra.subjectId ?? enrollment.id,
    });
  }
}

const HOUR_MS = 3600_000;

/** A holder's codes must be for this enrollment; anything else reads as an unknown code (no oracle). */
function holderRefusal(enrollment: EnrollmentEntity, enrollmentId: string, now: Date): Refusal | null {
  if (enrollment.id !== enrollmentId) return refusal(Code.CodeNotRecognised);
  if (enrollment.lockedUntil && enrollment.lockedUntil > now) return refusal(Code.LockedOut);
  return null;
}

function refusal(code: Code): Refusal {
  return { refused: code, message: REFUSALS[code] ?? code };
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
