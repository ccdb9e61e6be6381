import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a Kafka handler's exception to the transport unchanged (NestJS's default filter would replace
 * unknown errors with a generic object and lose the reason). Services extend it and override
 * `toFailure` to map their domain exception codes to MessageFailure.deadLetter / .retry.
 */
@Catch()
export class KafkaExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toFailure(exception));
  }

  protected toFailure(exception: unknown): unknown {
    return exception;
  }
}
