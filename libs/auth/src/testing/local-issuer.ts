import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

/**
 * A test fixture: an RSA key pair per key id and a JWKS endpoint on a local port, so the verifier's
 * fetching, caching and refetching run for real. Used by unit specs only; real tokens come from Keycloak.
 */
export class LocalIssuer {
  readonly issuer = 'http://issuer.test/realms/bnp';
  fetches = 0;
  private readonly server: Server;
  private published: SigningKey[] = [];

  private constructor() {
    this.server = createServer((request, response) => {
      if (request.url !== '/certs') {
        response.writeHead(404).end();
        return;
      }
      this.fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.published.map((key) => key.jwk) }));
    });
  }

  static async start(): Promise<LocalIssuer> {
    const issuer = new LocalIssuer();
    await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
    return issuer;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/certs`;
  }

  static async key(kid: string): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }

  /** Replaces the published key set (rotation). */
  publish(...keys: SigningKey[]): void {
    this.published = keys;
  }

  async sign(key: SigningKey, claims: JWTPayload, options: { expiresIn?: number; notBefore?: number } = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.issuer, aud: 'bnp-api', sub: 'user-1', iat: now, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .setNotBefore(now + (options.notBefore ?? 0))
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
