import { DomainException } from '@bnp/errors';
import { Catch } from '@nestjs/common';
import { KafkaExceptionFilter, MessageFailure } from '@bnp/messaging';
import { ProtectionErrorCode } from './protection.exception';

/** Maps fraud-guard's consumer errors to what the Kafka consumer does with the message. */
@Catch()
export class ProtectionKafkaExceptionFilter extends KafkaExceptionFilter {
  protected override toFailure(exception: unknown): unknown {
    if (!DomainException.is(exception, ProtectionErrorCode)) return exception; // the consumer retries unknown errors
    switch (exception.code) {
      case ProtectionErrorCode.MalformedPayload:
      case ProtectionErrorCode.MissingField:
      case ProtectionErrorCode.InvalidField:
      case ProtectionErrorCode.KeyMismatch:
      case ProtectionErrorCode.UnknownCommand:
        // The message itself is wrong: no second try can succeed.
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
      case ProtectionErrorCode.UnreadableMsisdn:
        // A key missing from the ring or a wrong aad does not heal by waiting; re-drive after fixing the keys.
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
      case ProtectionErrorCode.CodeSpaceCollision:
        // Fresh codes are drawn on the next try.
        return MessageFailure.retry(exception.code, exception.message, exception);
    }
  }
}
