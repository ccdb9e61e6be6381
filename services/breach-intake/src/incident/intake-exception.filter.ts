import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { MessageFailure } from '@bnp/messaging';
import { Observable, throwError } from 'rxjs';
import { IntakeErrorCode, IntakeException } from './incident.exception';

/** Maps intake's domain errors to what the Kafka consumer does with the message. */
@Catch()
export class IntakeKafkaExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toFailure(exception));
  }
}

export function toFailure(exception: unknown): unknown {
  if (!(exception instanceof IntakeException)) return exception; // the consumer retries unknown errors
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
