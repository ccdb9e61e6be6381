import { DomainException } from '@bnp/errors';
import { Catch } from '@nestjs/common';
import { KafkaExceptionFilter, MessageFailure } from '@bnp/messaging';
import { NotifierErrorCode } from './notifier.exception';

/** Maps the notifier's domain errors to what the Kafka consumer does with the message. */
@Catch()
export class NotifierKafkaExceptionFilter extends KafkaExceptionFilter {
  protected override toFailure(exception: unknown): unknown {
    if (!DomainException.is(exception, NotifierErrorCode)) return exception; // unknown errors are retried
    switch (exception.code) {
      case NotifierErrorCode.MalformedPayload:
      case NotifierErrorCode.MissingField:
      case NotifierErrorCode.InvalidField:
      case NotifierErrorCode.KeyMismatch:
      case NotifierErrorCode.RevisionConflict:
      case NotifierErrorCode.UnreadableEnvelope:
        // The message itself is wrong: trying again cannot help.
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
      case NotifierErrorCode.UnknownKey:
        // Another instance may already have the key, or this one will after the rotation is deployed.
        return MessageFailure.retry(exception.code, exception.message, exception);
    }
  }
}
