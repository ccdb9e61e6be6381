import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import type { Response } from 'express';
import { NotFoundInLog } from './log-read.service';

/** What the log does not hold is a plain 404; bad parameters a 400; anything else a 500 without detail. */
@Catch()
export class LogHttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof NotFoundInLog) {
      res.status(404).type('text/plain').send(`${exception.message}\n`);
    } else if (exception instanceof HttpException) {
      res.status(exception.getStatus()).type('text/plain').send(`${exception.message}\n`);
    } else {
      this.logger.error({ err: exception }, 'transparency log read failed');
      res.status(500).type('text/plain').send('internal error\n');
    }
  }
}
