import type { JWTPayload } from 'jose';
import type { AuthConfig } from './auth-config';
import type { Permission } from './permissions';

/** Who is calling, as the verified access token says. Carries ids and roles, never a token. */
export interface Principal {
  subject: string;
  /** preferred_username or name: for approval records and screens, never for decisions. */
  displayName: string;
  roles: string[];
  permissions: ReadonlySet<Permission>;
  /** A machine caller (client credentials): it never approves a release. */
  serviceAccount: boolean;
  /** When the person last authenticated with the IdP (seconds since the epoch), if the token says. */
  authTime: number | null;
  /** The token proves a second factor (amr/acr as configured). */
  secondFactor: boolean;
  /** A regulator's jurisdiction claim. */
  jurisdiction: string | null;
  clientId: string | null;
}

/** Reads a dotted claim path (realm_access.roles, roles, groups) as a list of strings. */
export function claimList(payload: JWTPayload, path: string): string[] {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

export function principalFromClaims(
  payload: JWTPayload,
  config: Pick<
    AuthConfig,
    | 'OIDC_ROLES_CLAIM'
    | 'OIDC_SECOND_FACTOR_AMR'
    | 'OIDC_SECOND_FACTOR_ACR'
    | 'OIDC_JURISDICTION_CLAIM'
    | 'OIDC_IAT_IS_AUTH_TIME_CLIENTS'
  >,
  permissionsOf: (roles: readonly string[]) => ReadonlySet<Permission>,
): Principal {
  const roles = claimList(payload, config.OIDC_ROLES_CLAIM);
  const amr = claimList(payload, 'amr');
  const acr = text(payload['acr']);
  const username = text(payload['preferred_username']);
  const clientId = text(payload['client_id']) ?? text(payload['azp']);
  // Keycloak names service-account users service-account-<client> and adds client_id to their tokens.
  const serviceAccount = text(payload['client_id']) !== null || (username?.startsWith('service-account-') ?? false);
  return {
    subject: payload.sub ?? '',
    displayName: text(payload['name']) ?? username ?? payload.sub ?? '',
    roles,
    permissions: permissionsOf(roles),
    serviceAccount,
    authTime: authTime(payload, config.OIDC_IAT_IS_AUTH_TIME_CLIENTS),
    secondFactor:
      amr.some((method) => config.OIDC_SECOND_FACTOR_AMR.includes(method)) ||
      (acr !== null && config.OIDC_SECOND_FACTOR_ACR.includes(acr)),
    jurisdiction: text(payload[config.OIDC_JURISDICTION_CLAIM]),
    clientId,
  };
}

/** auth_time, or iat for a client configured as issuing tokens only at sign-in (no refresh tokens). */
function authTime(payload: JWTPayload, iatIsAuthTimeClients: readonly string[]): number | null {
  if (typeof payload['auth_time'] === 'number') return payload['auth_time'];
  const azp = text(payload['azp']);
  return azp !== null && iatIsAuthTimeClients.includes(azp) && typeof payload.iat === 'number' ? payload.iat : null;
}
