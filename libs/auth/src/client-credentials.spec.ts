import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientCredentialsTokens, RENEW_BEFORE_EXPIRY_MS, tokenStillUsable } from './client-credentials';
import { IdentityProviderUnavailableError } from './oidc-discovery';

describe('tokenStillUsable', () => {
  it('keeps a token until shortly before it expires, never after', () => {
    expect(tokenStillUsable(0, 300, 300_000 - RENEW_BEFORE_EXPIRY_MS - 1)).toBe(true);
    expect(tokenStillUsable(0, 300, 300_000 - RENEW_BEFORE_EXPIRY_MS)).toBe(false);
    expect(tokenStillUsable(0, 10, 0)).toBe(false); // shorter-lived than the margin: fetched every time
  });
});

describe('ClientCredentialsTokens', () => {
  let server: Server;
  let tokenUrl: string;
  let requests: { authorization: string | undefined; body: string }[];
  let answer: { status: number; body: object };

  beforeEach(async () => {
    requests = [];
    answer = { status: 200, body: { access_token: 'token-1', expires_in: 300, token_type: 'Bearer' } };
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ authorization: req.headers.authorization, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks once with the client secret as HTTP Basic, and reuses the token while it is fresh', async () => {
    let now = 1_000_000;
    const tokens = new ClientCredentialsTokens({
      issuer: 'http://unused',
      clientId: 'bnp-regulator-api',
      clientSecret: 's3cret:x',
      tokenUrl,
      now: () => now,
    });
    const [first, second] = await Promise.all([tokens.token(), tokens.token()]);
    expect([first, second]).toEqual(['token-1', 'token-1']);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toBe('grant_type=client_credentials');
    expect(Buffer.from(requests[0]!.authorization!.replace('Basic ', ''), 'base64').toString()).toBe(
      'bnp-regulator-api:s3cret%3Ax',
    );
    now += 300_000 - RENEW_BEFORE_EXPIRY_MS; // the renewal margin reached
    answer.body = { access_token: 'token-2', expires_in: 300 };
    expect(await tokens.token()).toBe('token-2');
    expect(requests).toHaveLength(2);
  });

  it('reports a refusal as the IdP being unavailable, naming the client and the error code but not the secret', async () => {
    answer = { status: 401, body: { error: 'unauthorized_client' } };
    const tokens = new ClientCredentialsTokens({
      issuer: 'http://unused',
      clientId: 'c',
      clientSecret: 'hidden',
      tokenUrl,
    });
    const refusal = await tokens.token().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(IdentityProviderUnavailableError);
    expect((refusal as Error).message).toBe(
      "identity provider unavailable: token endpoint refused client 'c': HTTP 401 unauthorized_client",
    );
    // The next call asks again rather than caching the failure.
    answer = { status: 200, body: { access_token: 'late', expires_in: 300 } };
    expect(await tokens.token()).toBe('late');
  });

  it('reports a token endpoint that does not answer as the IdP being unavailable', async () => {
    const tokens = new ClientCredentialsTokens({
      issuer: 'http://127.0.0.1:1/realms/none',
      clientId: 'c',
      clientSecret: 's',
    });
    await expect(tokens.token()).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
  });
});
