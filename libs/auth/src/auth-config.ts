import { env } from '@bnp/config';

/**
 * What a service needs to trust an OpenID Connect provider's access tokens. Pointing the platform at
 * another IdP (Entra ID, Okta, ADFS, another Keycloak) is a change of these variables only.
 */
export const authConfigShape = {
  // The `iss` every accepted token carries, e.g. http://127.0.0.1:8180/realms/bnp.
  OIDC_ISSUER: env.string(),
  // The `aud` every accepted token must include (Keycloak adds it with an audience mapper).
  OIDC_AUDIENCE: env.string(),
  // Where the signing keys are; by default the `jwks_uri` of the issuer's discovery document.
  OIDC_JWKS_URL: env.optionalString(),
  // Dotted path of the roles array in the token: Keycloak realm_access.roles, Entra and Okta `roles` or `groups`.
  OIDC_ROLES_CLAIM: env.string('realm_access.roles'),
  // Seconds of clock difference tolerated for exp, nbf and iat.
  OIDC_CLOCK_SKEW_SECONDS: env.int(30, 0, 300),
  // An unknown key id refetches the key set at most once per this many ms (a flood of forged kids is not a flood of fetches).
  OIDC_JWKS_COOLDOWN_MS: env.int(30000, 0, 3600000),
  // `amr` values that prove a second factor (Keycloak's AMR mapper: otp; RFC 8176: mfa, otp, hwk).
  OIDC_SECOND_FACTOR_AMR: env.list('otp,mfa'),
  // `acr` values that prove a second factor (an IdP's level of assurance names; empty: amr alone decides).
  OIDC_SECOND_FACTOR_ACR: env.list(''),
  // Clients (azp) that issue no refresh tokens, so a token of theirs without auth_time was issued at sign-in and
  // its iat is the sign-in time (Keycloak leaves auth_time out of password-grant tokens; local: bnp-cli-login).
  OIDC_IAT_IS_AUTH_TIME_CLIENTS: env.list(''),
  // The claim holding a regulator's jurisdiction.
  OIDC_JURISDICTION_CLAIM: env.string('jurisdiction'),
};

export interface AuthConfig {
  OIDC_ISSUER: string;
  OIDC_AUDIENCE: string;
  OIDC_JWKS_URL?: string | undefined;
  OIDC_ROLES_CLAIM: string;
  OIDC_CLOCK_SKEW_SECONDS: number;
  OIDC_JWKS_COOLDOWN_MS: number;
  OIDC_SECOND_FACTOR_AMR: string[];
  OIDC_SECOND_FACTOR_ACR: string[];
  OIDC_IAT_IS_AUTH_TIME_CLIENTS: string[];
  OIDC_JURISDICTION_CLAIM: string;
}
