import { DomainException, unexpected } from '@bnp/errors';
import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ExposureErrorCode } from '../resolution/exposure.exception';

/** Maps exposure domain errors to HTTP statuses with a stable error code in the body. */
@Catch(DomainException)
export class ExposureHttpExceptionFilter implements ExceptionFilter<DomainException> {
  catch(exception: DomainException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Another context's code has no meaning on this API: answered as Nest answers any unexpected error.
    if (!DomainException.is(exception, ExposureErrorCode)) return unexpected(response);
    response.status(statusOf(exception.code)).json({ code: exception.code, message: exception.message });
  }
}

function statusOf(code: ExposureErrorCode): HttpStatus {
  switch (code) {
    case ExposureErrorCode.RevisionNotFound:
    case ExposureErrorCode.IncidentNotFound:
      return HttpStatus.NOT_FOUND;
    case ExposureErrorCode.NotHeld:
    case ExposureErrorCode.AlreadyApproved:
    case ExposureErrorCode.StaleSummary:
      return HttpStatus.CONFLICT;
    case ExposureErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case ExposureErrorCode.NotAuthorised:
      return HttpStatus.FORBIDDEN;
    case ExposureErrorCode.MalformedRevision:
    case ExposureErrorCode.UnknownScopeList:
      return HttpStatus.UNPROCESSABLE_ENTITY;
  }
}
