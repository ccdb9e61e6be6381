import {
  Inject,
  Injectable,
  RequestMethod,
  ServiceUnavailableException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ROUTE_POLICY, type AuthenticatedRequest, type RoutePolicy } from '@bnp/auth';
import { LOGGER } from '@bnp/observability';
import { accessDraft, outcomeOf } from './access-record';
import { AccessAuditWriter } from './access-audit.writer';

/** Set by a handler that wrote its access record inside its own transaction. */
export const ACCESS_RECORDED = Symbol('ACCESS_RECORDED');
export type RecordedRequest = AuthenticatedRequest & { [ACCESS_RECORDED]?: boolean };

/**
 * Writes an access record for every call the guard admitted to a non-public route, and commits it
 * before the response leaves: a read whose record cannot be written answers 503 and returns no data.
 * Errors are recorded too, with the status answered (DENIED for refusals such as 403 and 409, FAILED otherwise).
 */
@Injectable()
export class AccessAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly writer: AccessAuditWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<RecordedRequest>();
    const actor = request.actor;
    if (policy?.kind !== 'permission' || !actor) return next.handle();
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (this.reflector.get<RequestMethod>(METHOD_METADATA, context.getHandler()) === RequestMethod.POST ? 201 : 200);
    return from(this.run(request, context.switchToHttp().getResponse<Response>(), next, successStatus));
  }

  private async run(
    request: RecordedRequest,
    response: Response,
    next: CallHandler,
    successStatus: number,
  ): Promise<unknown> {
    const draft = accessDraft(request, request.actor!);
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      // The status is known once the exception filters (domain codes to HTTP) have answered.
      response.once('finish', () => {
        this.writer.record(draft, outcomeOf(response.statusCode), response.statusCode).catch((auditError: unknown) => {
          this.logger.error({ err: auditError, route: draft.route }, 'access record of a failed request not written');
        });
      });
      throw error;
    }
    if (request[ACCESS_RECORDED]) return body;
    try {
      await this.writer.record(draft, 'ALLOWED', successStatus);
    } catch (auditError) {
      this.logger.error({ err: auditError, route: draft.route }, 'access record not written: response withheld');
      throw new ServiceUnavailableException('the access could not be audited, so nothing is returned; try again');
    }
    return body;
  }
}
