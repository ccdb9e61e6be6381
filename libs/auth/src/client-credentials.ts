import { IdentityProviderUnavailableError, discoverIssuer } from './oidc-discovery';

export interface ClientCredentialsOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The token endpoint; by default the issuer's discovery document's `token_endpoint`. */
  tokenUrl?: string | undefined;
  timeoutMs?: number;
  now?: () => number;
}

/** A token is used until this long before it expires, so it never expires in flight. */
export const RENEW_BEFORE_EXPIRY_MS = 30_000;

/** Whether a cached token obtained with `expiresInSeconds` at `obtainedAt` may still be sent at `now`. */
export function tokenStillUsable(obtainedAt: number, expiresInSeconds: number, now: number): boolean {
  return now < obtainedAt + expiresInSeconds * 1000 - RENEW_BEFORE_EXPIRY_MS;
}

/**
 * A service's own access token (OAuth 2.0 client credentials, RFC 6749 §4.4) for calling another of
 * the platform's services: fetched on first use, reused until shortly before it expires, and fetched
 * once for all concurrent callers. The IdP refusing or not answering is IdentityProviderUnavailableError.
 */
export class ClientCredentialsTokens {
  private cached: { token: string; obtainedAt: number; expiresIn: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A bearer token for the Authorization header. */
  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && tokenStillUsable(cached.obtainedAt, cached.expiresIn, this.now())) return cached.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const { clientId, clientSecret, issuer, timeoutMs = 5000 } = this.options;
    const url = this.options.tokenUrl ?? (await discoverIssuer(issuer, timeoutMs)).tokenEndpoint;
    if (!url) throw new IdentityProviderUnavailableError(`${issuer} publishes no token_endpoint`);
    const obtainedAt = this.now();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new IdentityProviderUnavailableError(error instanceof Error ? error.message : String(error));
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      // The IdP's error code (invalid_client, unauthorized_client) names the misconfiguration; never the secret.
      const code = (body as { error?: unknown }).error;
      throw new IdentityProviderUnavailableError(
        `token endpoint refused client '${clientId}': HTTP ${response.status}${typeof code === 'string' ? ` ${code}` : ''}`,
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 60;
    this.cached = { token: body.access_token, obtainedAt, expiresIn };
    return body.access_token;
  }
}
