import { Catch } from '@nestjs/common';
import { KafkaExceptionFilter, MessageFailure } from '@bnp/messaging';
import { CareErrorCode, CareException } from './care.exception';

/** Maps care-api's consumer errors to what the Kafka consumer does with the message. */
@Catch()
export class CareKafkaExceptionFilter extends KafkaExceptionFilter {
  protected override toFailure(exception: unknown): unknown {
    if (!(exception instanceof CareException)) return exception; // unknown errors (an outage) are retried
    switch (exception.code) {
      case CareErrorCode.MalformedPayload:
      case CareErrorCode.MissingField:
      case CareErrorCode.KeyMismatch:
      case CareErrorCode.UnreadableContact:
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
      case CareErrorCode.UpstreamUnavailable:
        return MessageFailure.retry(exception.code, exception.message, exception);
      // Request errors: no message raises them; if one ever did, waiting would not help.
      case CareErrorCode.InvalidQuery:
      case CareErrorCode.PersonNotFound:
      case CareErrorCode.NothingToReveal:
      case CareErrorCode.NumberNotHeld:
      case CareErrorCode.VerificationNotFound:
      case CareErrorCode.CodeIncorrect:
      case CareErrorCode.CodeExpired:
      case CareErrorCode.TooManyAttempts:
      case CareErrorCode.CallerNotVerified:
      case CareErrorCode.EnrollmentNotFound:
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
    }
  }
}
