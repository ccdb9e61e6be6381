import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions';

export const ROUTE_POLICY = 'bnp:route-policy';

export interface PermissionPolicy {
  kind: 'permission';
  /** Any one of these grants the route. */
  anyOf: Permission[];
  /** Staff must say why (X-Access-Reason, 1..500 characters): reads of a person's data. */
  reasonRequired: boolean;
  /** Without a bearer token, the person the record is about may prove possession instead (HolderProofVerifier). */
  orHolderProof: boolean;
}

export interface PublicPolicy {
  kind: 'public';
  why: string;
}

export type RoutePolicy = PermissionPolicy | PublicPolicy;

export interface PermissionOptions {
  reasonRequired?: boolean;
  orHolderProof?: boolean;
}

/** The permission a route needs (any one of a list). On a controller it covers every route the class declares. */
export function RequirePermission(permission: Permission | Permission[], options: PermissionOptions = {}) {
  const policy: PermissionPolicy = {
    kind: 'permission',
    anyOf: Array.isArray(permission) ? permission : [permission],
    reasonRequired: options.reasonRequired ?? false,
    orHolderProof: options.orHolderProof ?? false,
  };
  return SetMetadata(ROUTE_POLICY, policy);
}

/** A route anyone may call; `why` says what guards it instead (it is listed at boot and in the matrix). */
export function Public(why: string) {
  if (why.trim().length < 10) throw new Error('@Public needs a reason that says what guards the route instead');
  return SetMetadata(ROUTE_POLICY, { kind: 'public', why } satisfies PublicPolicy);
}
