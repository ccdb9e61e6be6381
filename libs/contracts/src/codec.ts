import { create, fromBinary, fromJsonString, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';

/** Raised when bytes on a topic are not the message they claim to be. */
export class ContractDecodeError extends Error {
  constructor(
    public readonly schema: string,
    cause: unknown,
  ) {
    super(`payload is not a valid ${schema}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ContractDecodeError';
  }
}

export function encodeMessage<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Buffer {
  return Buffer.from(toBinary(schema, create(schema, init)));
}

export function decodeBinary<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    throw new ContractDecodeError(schema.typeName, error);
  }
}

/** Decodes the protobuf JSON mapping (camelCase or original field names); unknown fields are refused. */
export function decodeJson<Desc extends DescMessage>(schema: Desc, text: string): MessageShape<Desc> {
  try {
    return fromJsonString(schema, text);
  } catch (error) {
    throw new ContractDecodeError(schema.typeName, error);
  }
}
