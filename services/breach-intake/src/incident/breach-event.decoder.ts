import { DomainException } from '@bnp/errors';
import { createHash } from 'node:crypto';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  BreachReportedSchema,
  ContractDecodeError,
  ListKind,
  PiiCategory,
  Region,
  decodeBinary,
  decodeJson,
  type AssetScope,
  type BreachReported,
  type CompromisedAsset,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { BlindIndexer, normalizeMsisdn, redactPiiInText } from '@bnp/pii';
import { compromisedAssetsOverLimit } from './compromised-assets-limit';
import { IntakeErrorCode } from './incident.exception';
import type { NormalizedAsset, NormalizedScope, ReportedRevision, SourceFormat } from './reported-revision';

const PROTOBUF_TYPES = new Set(['application/protobuf', 'application/x-protobuf', 'application/vnd.google.protobuf']);
const MAX_SUMMARY_LENGTH = 4000;

/**
 * Turns a message from `breach.events.v1` into a ReportedRevision, or explains why it cannot.
 * Accepts plain protobuf, and CloudEvents 1.0 (Kafka binding) in binary mode with a JSON or protobuf
 * body, or in structured mode (`application/cloudevents+json`).
 */
export class BreachEventDecoder {
  constructor(
    private readonly blindIndexer: BlindIndexer,
    private readonly cloudEventType: string,
  ) {}

  decode(message: InboundMessage): ReportedRevision {
    if (!message.value || message.value.length === 0) {
      throw new DomainException(IntakeErrorCode.MalformedPayload, 'empty message value');
    }
    const { event, format, cloudEventId } = this.parse(message);
    return this.validate(event, format, cloudEventId, message.key);
  }

  private parse(message: InboundMessage): { event: BreachReported; format: SourceFormat; cloudEventId?: string } {
    const value = message.value as Buffer;
    const contentType = (message.headers['content-type'] ?? message.headers['ce_datacontenttype'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    try {
      if (contentType === 'application/cloudevents+json') return this.parseStructured(value);
      if (message.headers['ce_specversion'] !== undefined) {
        this.checkCloudEvent(message.headers['ce_specversion'], message.headers['ce_type'], message.headers['ce_id']);
        if (contentType === 'application/json' || contentType.endsWith('+json')) {
          return {
            event: decodeJson(BreachReportedSchema, value.toString('utf8')),
            format: 'cloudevents-binary-json',
            cloudEventId: message.headers['ce_id'],
          };
        }
        if (PROTOBUF_TYPES.has(contentType)) {
          return {
            event: decodeBinary(BreachReportedSchema, value),
            format: 'cloudevents-binary-protobuf',
            cloudEventId: message.headers['ce_id'],
          };
        }
        throw new DomainException(
          IntakeErrorCode.UnsupportedContentType,
          `unsupported content-type '${contentType || '(none)'}'`,
        );
      }
      if (contentType === '' || PROTOBUF_TYPES.has(contentType)) {
        return { event: decodeBinary(BreachReportedSchema, value), format: 'protobuf' };
      }
      throw new DomainException(
        IntakeErrorCode.UnsupportedContentType,
        `unsupported content-type '${contentType}' without CloudEvents headers`,
      );
    } catch (error) {
      if (error instanceof ContractDecodeError)
        throw new DomainException(IntakeErrorCode.MalformedPayload, redactPiiInText(error.message));
      throw error;
    }
  }

  private parseStructured(value: Buffer): { event: BreachReported; format: SourceFormat; cloudEventId?: string } {
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new DomainException(IntakeErrorCode.MalformedPayload, 'structured CloudEvent is not valid JSON');
    }
    const id = typeof envelope['id'] === 'string' ? envelope['id'] : undefined;
    this.checkCloudEvent(envelope['specversion'], envelope['type'], id);
    if (typeof envelope['data_base64'] === 'string') {
      return {
        event: decodeBinary(BreachReportedSchema, Buffer.from(envelope['data_base64'], 'base64')),
        format: 'cloudevents-structured',
        cloudEventId: id,
      };
    }
    if (envelope['data'] === undefined || envelope['data'] === null) {
      throw new DomainException(IntakeErrorCode.MissingField, 'structured CloudEvent has no data');
    }
    return {
      event: decodeJson(BreachReportedSchema, JSON.stringify(envelope['data'])),
      format: 'cloudevents-structured',
      cloudEventId: id,
    };
  }

  private checkCloudEvent(specVersion: unknown, type: unknown, id: unknown): void {
    if (specVersion !== '1.0')
      throw new DomainException(
        IntakeErrorCode.InvalidField,
        `unsupported CloudEvents specversion '${String(specVersion)}'`,
      );
    if (type !== this.cloudEventType)
      throw new DomainException(IntakeErrorCode.InvalidField, `unexpected CloudEvents type '${String(type)}'`);
    if (typeof id !== 'string' || id.length === 0)
      throw new DomainException(IntakeErrorCode.MissingField, 'CloudEvent has no id');
  }

  private validate(
    event: BreachReported,
    sourceFormat: SourceFormat,
    cloudEventId: string | undefined,
    key: string | null,
  ): ReportedRevision {
    const eventId = event.eventId || cloudEventId || '';
    if (!eventId) missing('event_id');
    if (event.eventId && cloudEventId && event.eventId !== cloudEventId)
      invalid('event_id differs from the CloudEvent id');
    if (!event.incidentId) missing('incident_id');
    if (key !== event.incidentId) {
      throw new DomainException(IntakeErrorCode.KeyMismatch, 'the message key must be the incident id');
    }
    if (event.revision < 1) missing('revision (must be 1 or more)');
    const detectedAt = requiredTime(event.detectedAt, 'detected_at');
    const occurredTo = requiredTime(event.occurredTo, 'occurred_to');
    const occurredFrom = event.occurredFrom ? timestampDate(event.occurredFrom) : null;
    if (occurredFrom && occurredFrom > occurredTo) invalid('occurred_from is after occurred_to');
    if (event.compromisedAssets.length === 0) missing('compromised_assets');
    const overLimit = compromisedAssetsOverLimit(event.compromisedAssets.length);
    if (overLimit) invalid(overLimit);
    const jurisdiction = (event.jurisdiction || 'PK').toUpperCase();
    if (!/^[A-Z]{2}$/.test(jurisdiction)) invalid('jurisdiction must be an ISO 3166-1 alpha-2 code');

    const assets = event.compromisedAssets.map((asset, index) => this.normalizeAsset(asset, index));
    const content = {
      incidentId: event.incidentId,
      revision: event.revision,
      detectedAt: detectedAt.toISOString(),
      occurredFrom: occurredFrom?.toISOString() ?? null,
      occurredTo: occurredTo.toISOString(),
      attackVectors: [...new Set(event.attackVectors)].sort((a, b) => a - b),
      severity: event.severity,
      summary: redactPiiInText(event.summary).slice(0, MAX_SUMMARY_LENGTH),
      jurisdiction,
      assets,
      dryRun: event.dryRun,
      reporter: event.reporter,
    };
    return {
      ...content,
      eventId,
      reportedAt: event.reportedAt ? timestampDate(event.reportedAt) : new Date(),
      detectedAt,
      occurredFrom,
      occurredTo,
      sourceFormat,
      contentSha256: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
    };
  }

  private normalizeAsset(asset: CompromisedAsset, index: number): NormalizedAsset {
    const where = `compromised_assets[${index}]`;
    if (!asset.assetId) missing(`${where}.asset_id`);
    if (asset.categories.includes(PiiCategory.UNSPECIFIED)) invalid(`${where}.categories contains UNSPECIFIED`);
    return {
      assetId: asset.assetId,
      categories: [...new Set(asset.categories)].sort((a, b) => a - b),
      scope: this.normalizeScope(asset.scope, where),
    };
  }

  private normalizeScope(scope: AssetScope | undefined, where: string): NormalizedScope {
    const kind = scope?.kind;
    switch (kind?.case) {
      case undefined:
        return missing(`${where}.scope`);
      case 'all':
        return { kind: 'all' };
      case 'regions': {
        const regions = [...new Set(kind.value.regions)].sort((a, b) => a - b);
        if (regions.length === 0) missing(`${where}.scope.regions`);
        if (regions.includes(Region.UNSPECIFIED)) invalid(`${where}.scope.regions contains UNSPECIFIED`);
        return { kind: 'regions', regions };
      }
      case 'timeWindow': {
        const from = requiredTime(kind.value.from, `${where}.scope.time_window.from`);
        const to = requiredTime(kind.value.to, `${where}.scope.time_window.to`);
        if (from > to) invalid(`${where}.scope.time_window ends before it starts`);
        return { kind: 'time_window', from: from.toISOString(), to: to.toISOString() };
      }
      case 'subscriberIds': {
        const ids = [...new Set(kind.value.subscriberIds.map((id) => id.trim()))].filter(Boolean).sort();
        if (ids.length === 0) missing(`${where}.scope.subscriber_ids`);
        return { kind: 'subscriber_ids', subscriberIds: ids };
      }
      case 'msisdns': {
        if (kind.value.msisdns.length === 0) missing(`${where}.scope.msisdns`);
        const indexes = kind.value.msisdns.map((raw, position) => {
          try {
            return this.blindIndexer.indexHex('msisdn', normalizeMsisdn(raw));
          } catch {
            return invalid(`${where}.scope.msisdns[${position}] is not a valid Pakistani mobile number`);
          }
        });
        return { kind: 'msisdns', msisdnBlindIndexes: [...new Set(indexes)].sort() };
      }
      case 'listRef': {
        if (!kind.value.listId) missing(`${where}.scope.list_ref.list_id`);
        if (!/^[0-9a-f]{64}$/.test(kind.value.sha256))
          invalid(`${where}.scope.list_ref.sha256 must be 64 hex characters`);
        if (kind.value.kind === ListKind.UNSPECIFIED) missing(`${where}.scope.list_ref.kind`);
        return { kind: 'list_ref', listId: kind.value.listId, sha256: kind.value.sha256, listKind: kind.value.kind };
      }
    }
  }
}

function requiredTime(value: Timestamp | undefined, field: string): Date {
  if (!value) return missing(field);
  return timestampDate(value);
}

function missing(field: string): never {
  throw new DomainException(IntakeErrorCode.MissingField, `${field} is required`);
}

function invalid(reason: string): never {
  throw new DomainException(IntakeErrorCode.InvalidField, reason);
}
