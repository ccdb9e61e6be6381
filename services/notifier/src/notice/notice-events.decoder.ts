import { DomainException } from '@bnp/errors';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  ActivationChallengeIssuedSchema,
  CareCodeIssuedSchema,
  Channel,
  ContractDecodeError,
  ControlAction,
  EnrollmentCreatedSchema,
  ExposureChange,
  IncidentControlSchema,
  LineType,
  PersonExposedSchema,
  ProtectiveAction,
  RiskTier,
  decodeBinary,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { maskEmail, maskMsisdn, normalizeEmail, normalizeMsisdn, redactPiiInText } from '@bnp/pii';
import type { ContactSealer } from '../shared/contact-sealer';
import { UpstreamAad } from '../shared/contact-sealer';
import { NotifierErrorCode } from '../shared/notifier.exception';
import type { ChallengePurpose, Language, NoticeChange } from '../templates/template';

/** A held number to text, plain in memory only until it is re-sealed. */
export interface ReceivedNumber {
  subscriberId: string;
  /** E.164, or null when the envelope held something that is not a Pakistani mobile number. */
  e164: string | null;
  raw: string;
  masked: string;
}

/** A PersonExposed event, validated and with its contact points opened. */
export interface ReceivedExposure {
  idempotencyKey: string;
  exposureId: string;
  incidentId: string;
  revision: number;
  personId: string;
  change: NoticeChange;
  tier: RiskTier;
  /** The language the producer gave, or null when it gave none the notifier has templates for. */
  requestedLanguage: string;
  language: Language;
  categories: number[];
  newCategories: number[];
  actions: ProtectiveAction[];
  channels: Channel[];
  attackVectors: number[];
  policyVersion: string;
  policyRule: string;
  dryRun: boolean;
  noticeAlreadySent: boolean;
  detectedAt: Date | null;
  occurredTo: Date | null;
  jurisdiction: string;
  numbers: ReceivedNumber[];
  email: { address: string; masked: string } | null;
  needsEnrollment: boolean;
}

export interface ReceivedEnrollment {
  enrollmentId: string;
  incidentId: string;
  personId: string;
  exposureIdempotencyKey: string;
  activationCode: string;
  enrollBy: Date | null;
  monitoringMonths: number;
  actions: number[];
}

/** A one-time code message, validated, its number and code open (in memory only). */
interface ReceivedCode {
  /** The challenge id, or for a care code the verification id: one SMS per id. */
  challengeId: string;
  incidentId: string;
  personId: string;
  revision: number;
  e164: string;
  masked: string;
  otp: string;
  requestedLanguage: string;
  language: Language;
  expiresAt: Date;
}

/**
 * An ActivationChallengeIssued (fraud-guard: a person activating fraud-watch, for an enrollment) or a
 * CareCodeIssued (care-api: a helpline agent verifying a caller, no enrollment).
 */
export type ReceivedChallenge =
  | (ReceivedCode & { purpose: Extract<ChallengePurpose, 'fraud-activation'>; enrollmentId: string })
  | (ReceivedCode & { purpose: Extract<ChallengePurpose, 'care-verification'>; enrollmentId: null });

/** The parts both one-time code events carry, whatever their producer calls them. */
interface CodeEvent {
  id: string;
  personId: string;
  incidentId: string;
  revision: number;
  msisdnCiphertext: Uint8Array;
  codeCiphertext: Uint8Array;
  language: string;
  expiresAt?: Timestamp;
}

/** How a producer names the fields of its one-time code event (for reasons) and binds its secrets. */
interface CodeFields {
  id: 'challenge_id' | 'verification_id';
  code: 'otp_ciphertext' | 'code_ciphertext';
  codeName: string;
  msisdnAad: (id: string) => (string | undefined)[];
  codeAad: (id: string) => (string | undefined)[];
}

const ACTIVATION_CODE: CodeFields = {
  id: 'challenge_id',
  code: 'otp_ciphertext',
  codeName: 'one-time code',
  msisdnAad: UpstreamAad.challengeMsisdn,
  codeAad: UpstreamAad.oneTimeCode,
};

const CARE_CODE: CodeFields = {
  id: 'verification_id',
  code: 'code_ciphertext',
  codeName: 'care code',
  msisdnAad: UpstreamAad.careMsisdn,
  codeAad: UpstreamAad.careCode,
};

export interface ReceivedControl {
  controlId: string;
  incidentId: string;
  revision: number;
  action: 'paused' | 'resumed' | 'released';
  decidedAt: Date;
}

function decode<Desc extends DescMessage>(schema: Desc, message: InboundMessage): MessageShape<Desc> {
  if (!message.value || message.value.length === 0)
    throw new DomainException(NotifierErrorCode.MalformedPayload, 'empty message value');
  try {
    return decodeBinary(schema, message.value);
  } catch (error) {
    if (error instanceof ContractDecodeError)
      throw new DomainException(NotifierErrorCode.MalformedPayload, redactPiiInText(error.message));
    throw error;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function required(value: string, field: string): string {
  if (!value) throw new DomainException(NotifierErrorCode.MissingField, `${field} is required`);
  return value;
}

function change(value: ExposureChange): NoticeChange {
  switch (value) {
    case ExposureChange.UNSPECIFIED:
    case ExposureChange.NEW:
      return 'new';
    case ExposureChange.WIDENED:
      return 'widened';
    case ExposureChange.RETRACTED:
      return 'retracted';
  }
}

/** Decodes and validates the topics the notifier consumes; opens contact envelopes for the service. */
export class NoticeEventsDecoder {
  constructor(private readonly sealer: ContactSealer) {}

  exposure(message: InboundMessage): ReceivedExposure {
    const event = decode(PersonExposedSchema, message);
    const personId = required(event.personId, 'person_id');
    if (message.key !== personId)
      throw new DomainException(NotifierErrorCode.KeyMismatch, 'the message key must be the person id');
    const incidentId = required(event.incidentId, 'incident_id');
    const idempotencyKey = required(event.idempotencyKey, 'idempotency_key');
    if (event.revision < 1) throw new DomainException(NotifierErrorCode.MissingField, 'revision must be 1 or more');
    if (event.tier === RiskTier.UNSPECIFIED || !(event.tier in RiskTier)) {
      throw new DomainException(NotifierErrorCode.InvalidField, 'tier is missing or unknown');
    }
    const requested = event.language.trim().toLowerCase();
    const numbers = event.subscriptions
      // A recycled number now belongs to someone else; machine-to-machine SIMs have no reader.
      .filter((subscription) => subscription.stillHeld && subscription.lineType !== LineType.MACHINE_TO_MACHINE)
      .filter((subscription) => subscription.msisdnCiphertext.length > 0)
      .map((subscription): ReceivedNumber => {
        const raw = this.sealer.openUpstream(
          subscription.msisdnCiphertext,
          UpstreamAad.msisdn(subscription.subscriberId),
          'msisdn_ciphertext',
        );
        let e164: string | null = null;
        try {
          e164 = normalizeMsisdn(raw);
        } catch {
          e164 = null;
        }
        return {
          subscriberId: subscription.subscriberId,
          e164,
          raw,
          masked: e164 ? maskMsisdn(e164) : subscription.msisdnMasked || '***',
        };
      });
    let email: ReceivedExposure['email'] = null;
    if (event.emailCiphertext.length > 0) {
      const opened = this.sealer.openUpstream(event.emailCiphertext, UpstreamAad.email(), 'email_ciphertext');
      try {
        const address = normalizeEmail(opened);
        email = { address, masked: maskEmail(address) };
      } catch {
        email = null; // an address that is not one cannot be written to
      }
    }
    const notice = change(event.change);
    return {
      idempotencyKey,
      exposureId: event.exposureId || idempotencyKey,
      incidentId,
      revision: event.revision,
      personId,
      change: notice,
      tier: event.tier,
      requestedLanguage: requested,
      language: requested === 'en' ? 'en' : 'ur',
      categories: [...new Set(event.categories)],
      newCategories: [...new Set(event.newCategories)],
      actions: [...new Set(event.actions)],
      channels: [...new Set(event.channels)],
      attackVectors: [...new Set(event.attackVectors)],
      policyVersion: event.policyVersion,
      policyRule: event.policyRule,
      dryRun: event.dryRun,
      noticeAlreadySent: event.noticeAlreadySent,
      detectedAt: event.detectedAt ? timestampDate(event.detectedAt) : null,
      occurredTo: event.occurredTo ? timestampDate(event.occurredTo) : null,
      jurisdiction: event.jurisdiction || 'PK',
      numbers,
      email,
      needsEnrollment: notice !== 'retracted' && event.actions.includes(ProtectiveAction.FRAUD_MONITORING),
    };
  }

  enrollment(message: InboundMessage): ReceivedEnrollment {
    const event = decode(EnrollmentCreatedSchema, message);
    const personId = required(event.personId, 'person_id');
    if (message.key !== personId)
      throw new DomainException(NotifierErrorCode.KeyMismatch, 'the message key must be the person id');
    const enrollmentId = required(event.enrollmentId, 'enrollment_id');
    if (event.activationCodeCiphertext.length === 0)
      throw new DomainException(NotifierErrorCode.MissingField, 'activation_code_ciphertext is required');
    return {
      enrollmentId,
      incidentId: required(event.incidentId, 'incident_id'),
      personId,
      exposureIdempotencyKey: required(event.exposureIdempotencyKey, 'exposure_idempotency_key'),
      activationCode: this.sealer.openUpstream(
        event.activationCodeCiphertext,
        UpstreamAad.activationCode(enrollmentId),
        'activation_code_ciphertext',
      ),
      enrollBy: event.enrollBy ? timestampDate(event.enrollBy) : null,
      monitoringMonths: event.monitoringMonths,
      actions: [...new Set(event.actions)],
    };
  }

  challenge(message: InboundMessage): ReceivedChallenge {
    const event = decode(ActivationChallengeIssuedSchema, message);
    const code = this.oneTimeCode(
      message,
      { ...event, id: event.challengeId, codeCiphertext: event.otpCiphertext },
      ACTIVATION_CODE,
    );
    return { ...code, purpose: 'fraud-activation', enrollmentId: required(event.enrollmentId, 'enrollment_id') };
  }

  careChallenge(message: InboundMessage): ReceivedChallenge {
    const event = decode(CareCodeIssuedSchema, message);
    // The notification log files the code under the incident revision it was asked for.
    if (event.revision < 1) throw new DomainException(NotifierErrorCode.MissingField, 'revision must be 1 or more');
    const code = this.oneTimeCode(message, { ...event, id: event.verificationId }, CARE_CODE);
    return { ...code, purpose: 'care-verification', enrollmentId: null };
  }

  /** What both one-time code events must hold; opens the number and the 6-digit code bound to the id. */
  private oneTimeCode(message: InboundMessage, event: CodeEvent, fields: CodeFields): ReceivedCode {
    const personId = required(event.personId, 'person_id');
    if (message.key !== personId)
      throw new DomainException(NotifierErrorCode.KeyMismatch, 'the message key must be the person id');
    const id = required(event.id, fields.id);
    if (!UUID.test(id)) throw new DomainException(NotifierErrorCode.InvalidField, `${fields.id} must be a UUID`);
    const incidentId = required(event.incidentId, 'incident_id');
    if (event.msisdnCiphertext.length === 0)
      throw new DomainException(NotifierErrorCode.MissingField, 'msisdn_ciphertext is required');
    if (event.codeCiphertext.length === 0)
      throw new DomainException(NotifierErrorCode.MissingField, `${fields.code} is required`);
    if (!event.expiresAt) throw new DomainException(NotifierErrorCode.MissingField, 'expires_at is required');
    let e164: string;
    try {
      e164 = normalizeMsisdn(
        this.sealer.openUpstream(event.msisdnCiphertext, fields.msisdnAad(id), 'msisdn_ciphertext'),
      );
    } catch (error) {
      if (DomainException.is(error, NotifierErrorCode)) throw error;
      throw new DomainException(NotifierErrorCode.InvalidField, 'msisdn_ciphertext: not a Pakistani mobile number');
    }
    const otp = this.sealer.openUpstream(event.codeCiphertext, fields.codeAad(id), fields.code);
    // Never echoed: a reason must not carry the secret.
    if (!/^\d{6}$/.test(otp))
      throw new DomainException(NotifierErrorCode.InvalidField, `${fields.code}: not a 6-digit ${fields.codeName}`);
    const requested = event.language.trim().toLowerCase();
    return {
      challengeId: id.toLowerCase(),
      incidentId,
      personId,
      revision: event.revision,
      e164,
      masked: maskMsisdn(e164),
      otp,
      requestedLanguage: requested,
      language: requested === 'en' ? 'en' : 'ur',
      expiresAt: timestampDate(event.expiresAt),
    };
  }

  control(message: InboundMessage): ReceivedControl {
    const event = decode(IncidentControlSchema, message);
    const incidentId = required(event.incidentId, 'incident_id');
    if (message.key !== incidentId)
      throw new DomainException(NotifierErrorCode.KeyMismatch, 'the message key must be the incident id');
    const decidedAt = event.decidedAt ? timestampDate(event.decidedAt) : null;
    if (!decidedAt) throw new DomainException(NotifierErrorCode.MissingField, 'decided_at is required');
    const base = {
      controlId: required(event.controlId, 'control_id'),
      incidentId,
      revision: event.revision,
      decidedAt,
    };
    switch (event.action) {
      case ControlAction.PAUSED:
        return { ...base, action: 'paused' };
      case ControlAction.RESUMED:
        return { ...base, action: 'resumed' };
      case ControlAction.RELEASED:
        return { ...base, action: 'released' };
      case ControlAction.UNSPECIFIED:
        throw new DomainException(NotifierErrorCode.MissingField, 'action is required');
    }
    throw new DomainException(NotifierErrorCode.InvalidField, 'action is not one the notifier knows');
  }
}
