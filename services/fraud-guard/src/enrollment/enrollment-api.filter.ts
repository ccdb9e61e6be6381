import { DomainException, unexpected } from '@bnp/errors';
import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { EnrollmentApiErrorCode } from './enrollment-api.exception';

/** Answers refused activation, opt-out and lookup requests with a status and a stable code. */
@Catch(DomainException)
export class EnrollmentApiExceptionFilter implements ExceptionFilter<DomainException> {
  catch(exception: DomainException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Another context's code has no meaning on this API: answered as Nest answers any unexpected error.
    if (!DomainException.is(exception, EnrollmentApiErrorCode)) return unexpected(response);
    if (exception.retryAfterSeconds !== undefined)
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(statusOf(exception.code)).json({ code: exception.code, message: exception.message });
  }
}

function statusOf(code: EnrollmentApiErrorCode): HttpStatus {
  switch (code) {
    case EnrollmentApiErrorCode.InvalidRequest:
    case EnrollmentApiErrorCode.MalformedCode:
    case EnrollmentApiErrorCode.InvalidMsisdn:
      return HttpStatus.BAD_REQUEST;
    case EnrollmentApiErrorCode.CodeNotRecognised:
    case EnrollmentApiErrorCode.EnrollmentNotFound:
      return HttpStatus.NOT_FOUND;
    case EnrollmentApiErrorCode.WrongPerson:
    case EnrollmentApiErrorCode.WrongSecondFactor:
      return HttpStatus.FORBIDDEN;
    case EnrollmentApiErrorCode.NoPendingChallenge:
    case EnrollmentApiErrorCode.AlreadyActive:
    case EnrollmentApiErrorCode.NotActivatable:
      return HttpStatus.CONFLICT;
    case EnrollmentApiErrorCode.EnrollByPassed:
      return HttpStatus.GONE;
    case EnrollmentApiErrorCode.LockedOut:
    case EnrollmentApiErrorCode.TooManyCodeRequests:
      return HttpStatus.TOO_MANY_REQUESTS;
  }
}
