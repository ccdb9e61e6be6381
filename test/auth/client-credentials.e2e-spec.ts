// A service's own token from the real local Keycloak (scripts/keycloak.sh): the client-credentials grant
// regulator-api uses to read the transparency log, found through the issuer's discovery document.
import {
  ClientCredentialsTokens,
  IdentityProviderUnavailableError,
  PermissionMap,
  TokenVerifier,
  principalFromClaims,
} from '@bnp/auth';
import { LOCAL_CLIENT_SECRETS, keycloakIssuer } from '@bnp/testing';

const AUTH = {
  OIDC_ISSUER: keycloakIssuer(),
  OIDC_AUDIENCE: 'bnp-api',
  OIDC_CLOCK_SKEW_SECONDS: 30,
  OIDC_JWKS_COOLDOWN_MS: 30_000,
  OIDC_ROLES_CLAIM: 'realm_access.roles',
  OIDC_SECOND_FACTOR_AMR: ['otp', 'mfa'],
  OIDC_SECOND_FACTOR_ACR: [],
  OIDC_IAT_IS_AUTH_TIME_CLIENTS: [],
  OIDC_JURISDICTION_CLAIM: 'jurisdiction',
};

describe('ClientCredentialsTokens against Keycloak', () => {
  it('gets regulator-api a token the guard accepts as a log reader, never a person', async () => {
    const tokens = new ClientCredentialsTokens({
      issuer: AUTH.OIDC_ISSUER,
      clientId: 'bnp-regulator-api',
      clientSecret: LOCAL_CLIENT_SECRETS['bnp-regulator-api'],
    });
    const token = await tokens.token();
    expect(await tokens.token()).toBe(token); // reused while fresh
    const claims = await new TokenVerifier(AUTH).verify(token);
    const principal = principalFromClaims(claims, AUTH, (roles) => PermissionMap.load().permissionsOf(roles));
    expect(principal.serviceAccount).toBe(true);
    expect([...principal.permissions].sort()).toEqual(['log:entries', 'log:read']);
  });

  it('reports a wrong secret as the IdP refusing the client, without the secret', async () => {
    const tokens = new ClientCredentialsTokens({
      issuer: AUTH.OIDC_ISSUER,
      clientId: 'bnp-regulator-api',
      clientSecret: 'not-the-secret',
    });
    const refusal = await tokens.token().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(IdentityProviderUnavailableError);
    expect((refusal as Error).message).toMatch(/refused client 'bnp-regulator-api': HTTP 401 unauthorized_client/);
    expect((refusal as Error).message).not.toContain('not-the-secret');
  });
});
