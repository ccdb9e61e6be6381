import { RpcException } from '@nestjs/microservices';

/** How the consumer treats a message whose handler failed. */
export enum FailureDisposition {
  /** Worth trying again later (a dependency was down, a lock timed out). */
  Retry = 'retry',
  /** Will never succeed as it is (malformed, conflicting, refused): straight to the dead-letter topic. */
  DeadLetter = 'dead-letter',
}

/**
 * Thrown (or mapped to, by a service's exception filter) to tell the consumer what to do with a message.
 * `code` is a stable machine-readable reason that ends up in the dead-letter headers.
 * It is an RpcException so that NestJS's default RPC filter hands it to the transport unchanged.
 */
export class MessageFailure extends RpcException {
  override readonly cause: unknown;

  constructor(
    public readonly disposition: FailureDisposition,
    public readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message);
    this.name = 'MessageFailure';
    this.cause = options?.cause;
  }

  override getError(): this {
    return this;
  }

  static deadLetter(code: string, message: string, cause?: unknown): MessageFailure {
    return new MessageFailure(FailureDisposition.DeadLetter, code, message, { cause });
  }

  static retry(code: string, message: string, cause?: unknown): MessageFailure {
    return new MessageFailure(FailureDisposition.Retry, code, message, { cause });
  }
}

/** Unknown errors are assumed transient: retrying is cheap, and after the last tier they are dead-lettered anyway. */
export function toMessageFailure(error: unknown): MessageFailure {
  if (error instanceof MessageFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return MessageFailure.retry('UNEXPECTED_ERROR', message, error);
}
