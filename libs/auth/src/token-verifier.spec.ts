import { LocalIssuer } from './testing/local-issuer';
import { TokenRejection, TokenVerifier } from './token-verifier';

describe(TokenVerifier.name, () => {
  let issuer: LocalIssuer;
  let current: Awaited<ReturnType<typeof LocalIssuer.key>>;

  const verifier = (overrides: { cooldownMs?: number; jwksUrl?: string } = {}) =>
    new TokenVerifier({
      OIDC_ISSUER: issuer.issuer,
      OIDC_AUDIENCE: 'bnp-api',
      OIDC_JWKS_URL: overrides.jwksUrl ?? issuer.jwksUrl,
      OIDC_CLOCK_SKEW_SECONDS: 30,
      OIDC_JWKS_COOLDOWN_MS: overrides.cooldownMs ?? 0,
    });

  const refusal = async (sut: TokenVerifier, token: string | undefined) =>
    sut.verify(token).then(
      () => 'accepted',
      (error: { reason?: string; name: string }) => error.reason ?? error.name,
    );

  beforeAll(async () => {
    issuer = await LocalIssuer.start();
    current = await LocalIssuer.key('key-1');
  });
  beforeEach(() => issuer.publish(current));
  afterAll(() => issuer.close());

  it('accepts a token signed by a published key, for this audience, from this issuer, in its validity window', async () => {
    const sut = verifier();
    const payload = await sut.verify(await issuer.sign(current, { sub: 'alice' }));
    expect(payload.sub).toBe('alice');
  });

  it('refuses a missing token and one that is not a JWT', async () => {
    const sut = verifier();
    expect(await refusal(sut, undefined)).toBe(TokenRejection.Missing);
    expect(await refusal(sut, 'not.a.token')).toBe(TokenRejection.Malformed);
  });

  it('refuses an expired token beyond the clock skew, but not within it', async () => {
    const sut = verifier();
    expect(await refusal(sut, await issuer.sign(current, {}, { expiresIn: -31 }))).toBe(TokenRejection.Expired);
    expect(await refusal(sut, await issuer.sign(current, {}, { expiresIn: -20 }))).toBe('accepted');
  });

  it('refuses a token whose nbf is in the future beyond the clock skew', async () => {
    const sut = verifier();
    expect(await refusal(sut, await issuer.sign(current, {}, { notBefore: 120 }))).toBe(TokenRejection.NotYetValid);
    expect(await refusal(sut, await issuer.sign(current, {}, { notBefore: 10 }))).toBe('accepted');
  });

  it('refuses a token for another audience and one from another issuer', async () => {
    const sut = verifier();
    expect(await refusal(sut, await issuer.sign(current, { aud: 'account' }))).toBe(TokenRejection.WrongAudience);
    expect(await refusal(sut, await issuer.sign(current, { iss: 'http://127.0.0.1:8180/realms/other' }))).toBe(
      TokenRejection.WrongIssuer,
    );
  });

  it('refuses a tampered token: the payload changed after signing', async () => {
    const sut = verifier();
    const [header, payload, signature] = (await issuer.sign(current, { realm_access: { roles: ['auditor'] } })).split(
      '.',
    );
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
        realm_access: { roles: ['privacy-officer'] },
      }),
    ).toString('base64url');
    expect(await refusal(sut, `${header}.${forged}.${signature}`)).toBe(TokenRejection.BadSignature);
  });

  it('refuses a token signed by a key the issuer never published, after refetching the key set once', async () => {
    const sut = verifier();
    await sut.verify(await issuer.sign(current, {}));
    const before = issuer.fetches;
    const stranger = await LocalIssuer.key('key-unknown');
    expect(await refusal(sut, await issuer.sign(stranger, {}))).toBe(TokenRejection.UnknownKey);
    expect(issuer.fetches - before).toBe(1);
  });

  it('refuses a token signed by an unpublished key that reuses a published key id', async () => {
    const sut = verifier();
    const impostor = await LocalIssuer.key('key-1');
    expect(await refusal(sut, await issuer.sign(impostor, {}))).toBe(TokenRejection.BadSignature);
  });

  it('follows a key rotation: a new key id refetches the key set once, then is served from the cache', async () => {
    const sut = verifier();
    await sut.verify(await issuer.sign(current, {}));
    const next = await LocalIssuer.key('key-2');
    issuer.publish(current, next);
    const before = issuer.fetches;
    await sut.verify(await issuer.sign(next, { sub: 'after-rotation' }));
    await sut.verify(await issuer.sign(next, {}));
    await sut.verify(await issuer.sign(current, {}));
    expect(issuer.fetches - before).toBe(1);
  });

  it('does not refetch for unknown key ids within the cooldown', async () => {
    const sut = verifier({ cooldownMs: 60_000 });
    await sut.verify(await issuer.sign(current, {}));
    const before = issuer.fetches;
    const stranger = await LocalIssuer.key('key-flood');
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await refusal(sut, await issuer.sign(stranger, {}))).toBe(TokenRejection.UnknownKey);
    }
    expect(issuer.fetches - before).toBe(0);
  });

  it('answers an unreachable key set as an outage, not as a bad token', async () => {
    const sut = verifier({ jwksUrl: 'http://127.0.0.1:1/certs' });
    expect(await refusal(sut, await issuer.sign(current, {}))).toBe('IdentityProviderUnavailableError');
  });
});
