/** The parts of an issuer's discovery document (OpenID Connect Discovery 1.0) the platform uses. */
export interface IssuerMetadata {
  jwksUri: string;
  tokenEndpoint: string | null;
}

/** The IdP or its key set could not be reached: an outage, answered 503, never "invalid token". */
export class IdentityProviderUnavailableError extends Error {
  constructor(detail: string) {
    super(`identity provider unavailable: ${detail}`);
    this.name = 'IdentityProviderUnavailableError';
  }
}

/**
 * Reads `<issuer>/.well-known/openid-configuration` and checks it names the same issuer. Anything that
 * keeps the answer from being read (refused, timed out, not 200, not JSON, missing jwks_uri) is an outage.
 */
export async function discoverIssuer(issuer: string, timeoutMs = 5000): Promise<IssuerMetadata> {
  const discovery = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let document: { issuer?: unknown; jwks_uri?: unknown; token_endpoint?: unknown };
  try {
    const response = await fetch(discovery, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${discovery} answered ${response.status}`);
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw new IdentityProviderUnavailableError(error instanceof Error ? error.message : String(error));
  }
  if (document.issuer !== issuer) {
    throw new IdentityProviderUnavailableError(`${discovery} names issuer ${String(document.issuer)}, not ${issuer}`);
  }
  if (typeof document.jwks_uri !== 'string') throw new IdentityProviderUnavailableError(`${discovery} has no jwks_uri`);
  return {
    jwksUri: document.jwks_uri,
    tokenEndpoint: typeof document.token_endpoint === 'string' ? document.token_endpoint : null,
  };
}
