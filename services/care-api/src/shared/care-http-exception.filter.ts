import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CareErrorCode, CareException } from './care.exception';

/** Maps care-api's domain errors to HTTP statuses with a stable code in the body. */
@Catch(CareException)
export class CareHttpExceptionFilter implements ExceptionFilter<CareException> {
  catch(exception: CareException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception.retryAfterSeconds !== undefined) response.set('Retry-After', String(exception.retryAfterSeconds));
    response.status(statusOf(exception.code)).json({ code: exception.code, message: exception.message });
  }
}

export function statusOf(code: CareErrorCode): HttpStatus {
  switch (code) {
    case CareErrorCode.InvalidQuery:
      return HttpStatus.BAD_REQUEST;
    case CareErrorCode.PersonNotFound:
    case CareErrorCode.NothingToReveal:
    case CareErrorCode.NumberNotHeld:
    case CareErrorCode.VerificationNotFound:
    case CareErrorCode.EnrollmentNotFound:
      return HttpStatus.NOT_FOUND;
    case CareErrorCode.CallerNotVerified:
      return HttpStatus.CONFLICT;
    case CareErrorCode.CodeIncorrect:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case CareErrorCode.CodeExpired:
      return HttpStatus.GONE;
    case CareErrorCode.TooManyAttempts:
      return HttpStatus.TOO_MANY_REQUESTS;
    case CareErrorCode.UpstreamUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case CareErrorCode.MalformedPayload:
    case CareErrorCode.MissingField:
    case CareErrorCode.KeyMismatch:
    case CareErrorCode.UnreadableContact:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}
