import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { AccessActor, AuthenticatedRequest } from './access-actor';
import { AUTH_CONFIG } from './auth.tokens';
import type { AuthConfig } from './auth-config';
import {
  ACCESS_DENIAL_LISTENER,
  HOLDER_PROOF_VERIFIER,
  type AccessDenialListener,
  type HolderProofVerifier,
} from './hooks';
import { PermissionMap } from './permissions';
import { principalFromClaims, type Principal } from './principal';
import { ROUTE_POLICY, type PermissionPolicy, type RoutePolicy } from './route-policy';
import { IdentityProviderUnavailableError } from './oidc-discovery';
import { TokenRejectedError, TokenVerifier } from './token-verifier';

export const REASON_HEADER = 'x-access-reason';
export const MAX_REASON_LENGTH = 500;

/**
 * The one guard every HTTP route passes (registered as APP_GUARD). A @Public route passes; any other
 * needs a verified bearer token whose roles grant one of the route's permissions (401 without a valid
 * token, 403 without the permission), or, where the route allows it and no token is sent, the proof of
 * possession of the service's HolderProofVerifier. A route with no declaration is refused here too,
 * though the boot check (RouteDeclarationCheck) stops such an app from starting at all.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly permissions: PermissionMap,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Optional() @Inject(HOLDER_PROOF_VERIFIER) private readonly holderProof?: HolderProofVerifier,
    @Optional() @Inject(ACCESS_DENIAL_LISTENER) private readonly denials?: AccessDenialListener,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka consumers: their topics' ACLs decide
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) throw new ForbiddenException('this route declares no permission');
    if (policy.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearer(request.headers.authorization);
    if (!token && policy.orHolderProof && this.holderProof?.presented(request)) {
      request.actor = { kind: 'holder', reference: await this.holderProof.verify(request) };
      return true;
    }
    const principal = await this.authenticate(token, context.switchToHttp().getResponse<Response>());
    request.actor = await this.authorise(request, principal, policy);
    return true;
  }

  private async authenticate(token: string | undefined, response: Response): Promise<Principal> {
    try {
      const claims = await this.verifier.verify(token);
      return principalFromClaims(claims, this.config, (roles) => this.permissions.permissionsOf(roles));
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        response.setHeader('WWW-Authenticate', `Bearer error="invalid_token"`);
        throw new UnauthorizedException('a valid bearer access token is required');
      }
      if (error instanceof IdentityProviderUnavailableError) {
        throw new ServiceUnavailableException('the identity provider cannot be reached; try again shortly');
      }
      throw error;
    }
  }

  private async authorise(
    request: AuthenticatedRequest,
    principal: Principal,
    policy: PermissionPolicy,
  ): Promise<AccessActor> {
    if (!policy.anyOf.some((permission) => principal.permissions.has(permission))) {
      await this.denials?.denied(request, principal, `needs ${policy.anyOf.join(' or ')}`);
      throw new ForbiddenException(`this route needs ${policy.anyOf.join(' or ')}`);
    }
    const reason = accessReason(request.headers[REASON_HEADER]);
    if (policy.reasonRequired && reason === null) {
      throw new BadRequestException(`say why in the ${REASON_HEADER} header (1..${MAX_REASON_LENGTH} characters)`);
    }
    return { kind: 'staff', principal, reason };
  }
}

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

function accessReason(header: string | string[] | undefined): string | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value && value.length <= MAX_REASON_LENGTH ? value : null;
}
