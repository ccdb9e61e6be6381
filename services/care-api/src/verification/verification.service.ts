import { hkdfSync, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CareConfig } from '../config';
import { PersonRepository } from '../person/person.repository';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { ContactKeys } from '../shared/contact-keys';
import { CARE_CONFIG } from '../shared/tokens';
import { CareCodeAad, careCodeIssuedMessage } from './care-code.message';
import { VerificationRepository, type VerificationRow } from './verification.repository';
import { CARE_CODE_TTL_MS, MAX_CODE_ATTEMPTS, codeDigest, newCareCode, normaliseReadCode } from './verification-rules';

export interface VerificationView {
  verificationId: string;
  sentTo: string;
  expiresAt: string;
  verified: boolean;
  verifiedAt: string | null;
  attemptsLeft: number;
}

/**
 * Verifies a caller by possession: a care code texted (by the notifier, never by us) to a number the
 * person still holds, read back to the agent. Names, CNICs, addresses and reference codes are no proof:
 * the breach leaked them, and the reference code is printed in every notice.
 */
@Injectable()
export class VerificationService {
  private readonly digestKey: Buffer;

  constructor(
    private readonly verifications: VerificationRepository,
    private readonly people: PersonRepository,
    private readonly keys: ContactKeys,
    @Inject(CARE_CONFIG) config: CareConfig,
  ) {
    // A key of its own, derived from the blind-index key: code digests never match any index.
    this.digestKey = Buffer.from(
      hkdfSync('sha256', Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64'), Buffer.alloc(0), 'care-code-digest', 32),
    );
  }

  async issue(personId: string, subscriberId: string, requestedBy: string): Promise<VerificationView> {
    const exposure = await this.verifications.latestExposure(personId);
    if (!exposure) throw new CareException(CareErrorCode.PersonNotFound, 'no such person in any incident');
    // Only a number the person still holds: a recycled number's new holder must never get their code.
    const held = await this.people.heldNumber(personId, subscriberId);
    if (!held) throw new CareException(CareErrorCode.NumberNotHeld, 'not a number this person still holds');
    const msisdn = this.keys.openMsisdn(held.envelope, subscriberId);
    const msisdnMasked = held.masked;
    const verificationId = randomUUID();
    const code = newCareCode();
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + CARE_CODE_TTL_MS);
    const result = await this.verifications.issue(
      {
        verificationId,
        personId,
        subscriberId,
        msisdnMasked,
        incidentId: exposure.incidentId,
        codeDigest: codeDigest(this.digestKey, verificationId, code),
        expiresAt,
        requestedBy,
        createdAt,
      },
      careCodeIssuedMessage({
        verificationId,
        personId,
        incidentId: exposure.incidentId,
        revision: exposure.revision,
        msisdnCiphertext: this.keys.seal(msisdn, CareCodeAad.msisdn(verificationId)),
        msisdnMasked,
        codeCiphertext: this.keys.seal(code, CareCodeAad.code(verificationId)),
        language: exposure.language,
        expiresAt,
      }),
    );
    if (!result.issued) {
      throw new CareException(
        CareErrorCode.TooManyAttempts,
        'three care codes were sent to this person in the last hour',
        Math.ceil(result.retryAfterMs / 1000),
      );
    }
    return {
      verificationId,
      sentTo: msisdnMasked,
      expiresAt: expiresAt.toISOString(),
      verified: false,
      verifiedAt: null,
      attemptsLeft: MAX_CODE_ATTEMPTS,
    };
  }

  async confirm(
    personId: string,
    verificationId: string,
    readCode: string,
    subject: string,
  ): Promise<VerificationView> {
    const code = normaliseReadCode(readCode);
    if (!code) throw new CareException(CareErrorCode.InvalidQuery, 'the care code is six digits');
    const result = await this.verifications.confirm(
      personId,
      verificationId,
      codeDigest(this.digestKey, verificationId, code),
      subject,
      new Date(),
    );
    if (!result) throw new CareException(CareErrorCode.VerificationNotFound, 'no such verification for this person');
    const view = viewOf(result.row);
    switch (result.outcome) {
      case 'verified':
      case 'already-verified':
        return view;
      case 'wrong':
        throw new CareException(
          CareErrorCode.CodeIncorrect,
          `that is not the code; ${view.attemptsLeft} ${view.attemptsLeft === 1 ? 'try' : 'tries'} left`,
        );
      case 'expired':
        throw new CareException(CareErrorCode.CodeExpired, 'the code has expired: send a new one');
      case 'locked':
        throw new CareException(CareErrorCode.TooManyAttempts, 'too many wrong codes: send a new one');
    }
  }

  async find(personId: string, verificationId: string): Promise<VerificationView> {
    const row = await this.verifications.find(personId, verificationId);
    if (!row) throw new CareException(CareErrorCode.VerificationNotFound, 'no such verification for this person');
    return viewOf(row);
  }
}

function viewOf(row: VerificationRow): VerificationView {
  return {
    verificationId: row.verification_id,
    sentTo: row.msisdn_masked,
    expiresAt: new Date(row.expires_at).toISOString(),
    verified: row.verified_at !== null,
    verifiedAt: row.verified_at ? new Date(row.verified_at).toISOString() : null,
    attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - row.attempts),
  };
}
