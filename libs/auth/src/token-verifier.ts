import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthConfig } from './auth-config';
import { systemClock, type Clock } from './clock';
import { IdentityProviderUnavailableError, discoverIssuer } from './oidc-discovery';

/** Why a token was refused; logged and audited, never shown beyond `invalid_token`. */
export enum TokenRejection {
  Missing = 'missing',
  Malformed = 'malformed',
  Expired = 'expired',
  NotYetValid = 'not_yet_valid',
  WrongIssuer = 'wrong_issuer',
  WrongAudience = 'wrong_audience',
  UnknownKey = 'unknown_key',
  BadSignature = 'bad_signature',
  Invalid = 'invalid',
}

export class TokenRejectedError extends Error {
  constructor(readonly reason: TokenRejection) {
    super(`access token refused: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies bearer access tokens against the issuer's published keys: signature, `iss`, `aud`, `exp` and
 * `nbf` with a small clock skew. The key set is fetched on first use and cached; a token signed with a
 * key id the cache does not know refetches it once (rotation), at most once per cooldown.
 */
export class TokenVerifier {
  private keySet?: Promise<KeySet>;

  constructor(
    private readonly config: Pick<
      AuthConfig,
      'OIDC_ISSUER' | 'OIDC_AUDIENCE' | 'OIDC_JWKS_URL' | 'OIDC_CLOCK_SKEW_SECONDS' | 'OIDC_JWKS_COOLDOWN_MS'
    >,
    private readonly clock: Clock = systemClock,
  ) {}

  async verify(token: string | undefined): Promise<JWTPayload> {
    if (!token) throw new TokenRejectedError(TokenRejection.Missing);
    const keys = await this.keys();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.config.OIDC_ISSUER,
        audience: this.config.OIDC_AUDIENCE,
        clockTolerance: this.config.OIDC_CLOCK_SKEW_SECONDS,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
        currentDate: this.clock.now(),
      });
      return payload;
    } catch (error) {
      throw classify(error);
    }
  }

  private keys(): Promise<KeySet> {
    this.keySet ??= this.jwksUrl().then(
      (url) =>
        createRemoteJWKSet(url, {
          cooldownDuration: this.config.OIDC_JWKS_COOLDOWN_MS,
          timeoutDuration: 5000,
        }),
      (error: unknown) => {
        this.keySet = undefined; // the next request asks again
        throw error;
      },
    );
    return this.keySet;
  }

  private async jwksUrl(): Promise<URL> {
    if (this.config.OIDC_JWKS_URL) return new URL(this.config.OIDC_JWKS_URL);
    return new URL((await discoverIssuer(this.config.OIDC_ISSUER)).jwksUri);
  }
}

function classify(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new TokenRejectedError(TokenRejection.Expired);
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
      case 'iat':
        return new TokenRejectedError(TokenRejection.NotYetValid);
      case 'iss':
        return new TokenRejectedError(TokenRejection.WrongIssuer);
      case 'aud':
        return new TokenRejectedError(TokenRejection.WrongAudience);
      default:
        return new TokenRejectedError(TokenRejection.Invalid);
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRejectedError(TokenRejection.UnknownKey);
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRejectedError(TokenRejection.BadSignature);
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new IdentityProviderUnavailableError(error.message);
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new TokenRejectedError(TokenRejection.Malformed);
  }
  // The key set fetch failing (connection refused, a non-200 answer, not JSON) is an outage, not a bad token.
  return new IdentityProviderUnavailableError(error instanceof Error ? error.message : String(error));
}
