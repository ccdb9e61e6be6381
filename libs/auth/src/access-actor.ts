import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from './principal';

/** Who the guard let in: staff with a verified token, or the person a record is about (proof of possession). */
export type AccessActor =
  | { kind: 'staff'; principal: Principal; reason: string | null }
  | { kind: 'holder'; /** The record the proof was for, e.g. an enrollment id. */ reference: string };

export interface AuthenticatedRequest extends Request {
  actor?: AccessActor;
}

/** The caller of a route the guard admitted; undefined only on @Public routes. */
export const Actor = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);

/** The staff principal of a route that only admits bearer tokens. */
export function staffPrincipal(actor: AccessActor | undefined): Principal {
  if (actor?.kind !== 'staff') throw new Error('route reached without a verified principal');
  return actor.principal;
}
