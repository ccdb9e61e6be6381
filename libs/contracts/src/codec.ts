import { create, fromBinary, fromJsonString, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { undeclaredEnumValue } from './closed-enums';

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

/** Decodes protobuf bytes; an enum value the contract does not declare is refused (see closed-enums.ts). */
export function decodeBinary<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  let message: MessageShape<Desc>;
  try {
    message = fromBinary(schema, bytes);
  } catch (error) {
    throw new ContractDecodeError(schema.typeName, error);
  }
  return closed(schema, message);
}

/** Decodes the protobuf JSON mapping (camelCase or original field names); unknown fields and enum values are refused. */
export function decodeJson<Desc extends DescMessage>(schema: Desc, text: string): MessageShape<Desc> {
  let message: MessageShape<Desc>;
  try {
    message = fromJsonString(schema, text);
  } catch (error) {
    throw new ContractDecodeError(schema.typeName, error);
  }
  return closed(schema, message);
}

function closed<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): MessageShape<Desc> {
  const problem = undeclaredEnumValue(schema, message);
  if (problem) throw new ContractDecodeError(schema.typeName, new Error(problem));
  return message;
}
