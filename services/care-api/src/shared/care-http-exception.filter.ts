import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CareErrorCode, CareException } from './care.exception';

/** Maps care-api's domain errors to HTTP statuses with a stable code in the body. */
@Catch(CareException)
export class CareHttpExceptionFilter implements ExceptionFilter<CareException> {
  catch(exception: CareException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusOf(exception.code))
      .json({ code: exception.code, message: exception.message });
  }
}

export function statusOf(code: CareErrorCode): HttpStatus {
  switch (code) {
    case CareErrorCode.InvalidQuery:
      return HttpStatus.BAD_REQUEST;
    case CareErrorCode.PersonNotFound:
    case CareErrorCode.NothingToReveal:
      return HttpStatus.NOT_FOUND;
    case CareErrorCode.UpstreamUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case CareErrorCode.MalformedPayload:
    case CareErrorCode.MissingField:
    case CareErrorCode.KeyMismatch:
    case CareErrorCode.UnreadableContact:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}
