/** Why fraud-guard refused a message from Kafka. Each code decides what the consumer does (see the filter). */
export enum ProtectionErrorCode {
  MalformedPayload = 'MALFORMED_PAYLOAD',
  MissingField = 'MISSING_FIELD',
  InvalidField = 'INVALID_FIELD',
  KeyMismatch = 'KEY_MISMATCH',
  UnreadableMsisdn = 'UNREADABLE_MSISDN',
  UnknownCommand = 'UNKNOWN_COMMAND',
  CodeSpaceCollision = 'CODE_SPACE_COLLISION',
}

export class ProtectionException extends Error {
  constructor(
    public readonly code: ProtectionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtectionException';
  }
}
