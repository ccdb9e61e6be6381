import { DomainException } from '@bnp/errors';
import {
  ContractDecodeError,
  ExposureChange,
  PersonExposedSchema,
  ProtectiveAction,
  RiskTier,
  decodeBinary,
  type PersonExposed,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { BlindIndexer, FieldCipher, PiiError, normalizeMsisdn, redactPiiInText } from '@bnp/pii';
import { aad } from '../pii-context';
import type { ProtectionRequest, SubscriptionState } from './protection-request';
import { ProtectionErrorCode } from './protection.exception';

const PROTOBUF_TYPES = new Set([
  '',
  'application/protobuf',
  'application/x-protobuf',
  'application/vnd.google.protobuf',
]);
const KNOWN_ACTIONS = new Set<number>([
  ProtectiveAction.SIM_SWAP_LOCK,
  ProtectiveAction.PORT_OUT_LOCK,
  ProtectiveAction.PIN_RESET,
  ProtectiveAction.FRAUD_MONITORING,
]);

/**
 * Turns a message from `exposure.v1` into a ProtectionRequest, or explains why it cannot. Opens each
 * held number only to blind-index it; the plain number is not kept.
 */
export class ExposureDecoder {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly blindIndexer: BlindIndexer,
  ) {}

  decode(message: InboundMessage): ProtectionRequest {
    if (!message.value || message.value.length === 0) {
      throw new DomainException(ProtectionErrorCode.MalformedPayload, 'empty message value');
    }
    const contentType = (message.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!PROTOBUF_TYPES.has(contentType)) {
      throw new DomainException(ProtectionErrorCode.MalformedPayload, `unsupported content-type '${contentType}'`);
    }
    let event: PersonExposed;
    try {
      event = decodeBinary(PersonExposedSchema, message.value);
    } catch (error) {
      if (error instanceof ContractDecodeError) {
        throw new DomainException(ProtectionErrorCode.MalformedPayload, redactPiiInText(error.message));
      }
      throw error;
    }
    return this.validate(event, message.key);
  }

  private validate(event: PersonExposed, key: string | null): ProtectionRequest {
    if (!event.personId) missing('person_id');
    if (!event.incidentId) missing('incident_id');
    if (!event.idempotencyKey) missing('idempotency_key');
    if (event.revision < 1) missing('revision (must be 1 or more)');
    if (key !== event.personId)
      throw new DomainException(ProtectionErrorCode.KeyMismatch, 'the message key must be the person id');
    const change = event.change;
    if (change !== ExposureChange.NEW && change !== ExposureChange.WIDENED && change !== ExposureChange.RETRACTED) {
      invalid('change must be NEW, WIDENED or RETRACTED');
    }
    if (RiskTier[event.tier] === undefined) invalid('unknown tier');
    const seen = new Set<string>();
    const subscriptions = event.subscriptions.map((subscription, index): SubscriptionState => {
      if (!subscription.subscriberId) missing(`subscriptions[${index}].subscriber_id`);
      if (seen.has(subscription.subscriberId)) invalid(`subscriptions[${index}] repeats a subscriber id`);
      seen.add(subscription.subscriberId);
      const held = subscription.stillHeld && subscription.msisdnCiphertext.length > 0;
      const ciphertext = held ? Buffer.from(subscription.msisdnCiphertext) : null;
      return {
        subscriberId: subscription.subscriberId,
        stillHeld: subscription.stillHeld,
        lineType: subscription.lineType,
        msisdnCiphertext: ciphertext,
        msisdnMasked: subscription.msisdnMasked,
        msisdnBlindIndex: ciphertext ? this.blindIndex(ciphertext, index) : null,
      };
    });
    return {
      exposureId: event.exposureId,
      incidentId: event.incidentId,
      revision: event.revision,
      personId: event.personId,
      change,
      tier: event.tier,
      policyVersion: event.policyVersion,
      policyRule: event.policyRule,
      actions: [...new Set(event.actions.filter((action) => KNOWN_ACTIONS.has(action)))].sort((a, b) => a - b),
      subscriptions,
      dryRun: event.dryRun,
      idempotencyKey: event.idempotencyKey,
      language: event.language.trim().toLowerCase().slice(0, 16),
    };
  }

  private blindIndex(ciphertext: Buffer, index: number): string {
    try {
      return this.blindIndexer.indexHex('msisdn', normalizeMsisdn(this.cipher.decrypt(ciphertext, aad.msisdn)));
    } catch (error) {
      if (error instanceof PiiError) {
        // The PII library's messages never carry the value; the code says what went wrong.
        throw new DomainException(ProtectionErrorCode.UnreadableMsisdn, `subscriptions[${index}]: ${error.code}`);
      }
      throw error;
    }
  }
}

function missing(field: string): never {
  throw new DomainException(ProtectionErrorCode.MissingField, `${field} is required`);
}

function invalid(reason: string): never {
  throw new DomainException(ProtectionErrorCode.InvalidField, reason);
}
