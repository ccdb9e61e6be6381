import { Catch } from '@nestjs/common';
import { KafkaExceptionFilter, MessageFailure } from '@bnp/messaging';
import { TlogErrorCode, TlogException } from './tlog.exception';

/** The log's domain errors are all about the message itself; anything else (the database down) is retried. */
@Catch()
export class TlogKafkaExceptionFilter extends KafkaExceptionFilter {
  protected override toFailure(exception: unknown): unknown {
    if (!(exception instanceof TlogException)) return exception;
    switch (exception.code) {
      case TlogErrorCode.MalformedPayload:
      case TlogErrorCode.MissingField:
      case TlogErrorCode.InvalidField:
      case TlogErrorCode.KeyMismatch:
      case TlogErrorCode.EntryTooLarge:
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
    }
  }
}
