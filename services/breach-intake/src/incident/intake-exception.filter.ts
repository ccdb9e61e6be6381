import { DomainException } from '@bnp/errors';
import { Catch } from '@nestjs/common';
import { KafkaExceptionFilter, MessageFailure } from '@bnp/messaging';
import { IntakeErrorCode } from './incident.exception';

/** Maps intake's domain errors to what the Kafka consumer does with the message. */
@Catch()
export class IntakeKafkaExceptionFilter extends KafkaExceptionFilter {
  protected override toFailure(exception: unknown): unknown {
    if (!DomainException.is(exception, IntakeErrorCode)) return exception; // the consumer retries unknown errors
    switch (exception.code) {
      case IntakeErrorCode.MalformedPayload:
      case IntakeErrorCode.UnsupportedContentType:
      case IntakeErrorCode.MissingField:
      case IntakeErrorCode.InvalidField:
      case IntakeErrorCode.KeyMismatch:
      case IntakeErrorCode.RevisionConflict:
      case IntakeErrorCode.EventIdReused:
        // None of these can succeed on a second try: the event itself is wrong.
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
    }
  }
}
