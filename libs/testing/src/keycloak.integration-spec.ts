import {
  BNP_API_AUDIENCE,
  enrolUser,
  keycloakIssuer,
  keycloakToken,
  KeycloakTokenError,
  removeUser,
  serviceToken,
} from './keycloak';
import type { EnrolledUser } from './keycloak';
import { totpCode, totpStep } from './totp';

// Runs against the Keycloak that scripts/keycloak.sh started (KEYCLOAK_ISSUER). It asserts what the
// services' guard relies on: issuer, audience, roles, jurisdiction, and acr/amr that claim a second
// factor only after Keycloak's real flow checked an OTP.
describe('Keycloak realm bnp', () => {
  const secondFactor = (claims: { acr?: string; amr?: string[] }) =>
    claims.acr === 'mfa' || (claims.amr ?? []).includes('otp');

  it('gives a password-only privacy officer a token that does not claim a second factor', async () => {
    const { claims } = await keycloakToken({ username: 'alice' });

    expect(claims.iss).toBe(keycloakIssuer());
    expect(claims.aud).toContain(BNP_API_AUDIENCE);
    expect(claims.realm_access?.roles).toContain('privacy-officer');
    expect(claims.acr).toBe('pwd');
    expect(claims.amr).toEqual(['pwd']);
    expect(secondFactor(claims)).toBe(false);
  });

  it('claims the second factor after password and TOTP, with a fresh authentication time', async () => {
    const before = Math.floor(Date.now() / 1000) - 5;
    const { claims } = await keycloakToken({ username: 'bob', totp: true });

    expect(claims.acr).toBe('mfa');
    expect(claims.amr).toEqual(['pwd', 'otp']);
    expect(claims.preferred_username).toBe('bob');
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
    // The password grant carries no auth_time (Keycloak 26.7.3); bnp-cli-login issues no refresh
    // token, so iat is the moment of authentication. A browser login carries auth_time.
    expect(claims.auth_time ?? claims.iat).toBeGreaterThanOrEqual(before);
  });

  it('puts the jurisdiction of a regulator in the token, and none for others', async () => {
    const frank = await keycloakToken({ username: 'frank' });
    const ursula = await keycloakToken({ username: 'ursula' });
    const carol = await keycloakToken({ username: 'carol' });

    expect(frank.claims.jurisdiction).toBe('PK');
    expect(frank.claims.realm_access?.roles).toContain('regulator');
    expect(ursula.claims.jurisdiction).toBe('EU');
    expect(carol.claims.jurisdiction).toBeUndefined();
    expect(carol.claims.realm_access?.roles).toEqual(expect.arrayContaining(['care-agent']));
    expect(carol.claims.realm_access?.roles).not.toContain('privacy-officer');
  });

  it('gives the CLI service account a token for bnp-api with no person and no second factor', async () => {
    const { claims } = await serviceToken();

    expect(claims.aud).toContain(BNP_API_AUDIENCE);
    expect(claims.azp).toBe('bnp-cli');
    expect(claims.realm_access?.roles).toContain('service');
    expect(claims.realm_access?.roles).not.toContain('privacy-officer');
    expect(secondFactor(claims)).toBe(false);
  });

  it('refuses an unknown user and a wrong password', async () => {
    await expect(keycloakToken({ username: 'nobody-here', password: 'guess' })).rejects.toMatchObject({
      status: 400,
      body: expect.stringContaining('invalid_grant'),
    });
    await expect(keycloakToken({ username: 'grace', password: 'not-her-password' })).rejects.toMatchObject({
      status: 400,
      body: expect.stringContaining('invalid_grant'),
    });
  });

  describe('a privacy officer enrolled with an OTP credential by the test', () => {
    let officer: EnrolledUser;
    beforeAll(async () => {
      officer = await enrolUser({ roles: ['privacy-officer'], otp: true });
    });
    afterAll(async () => {
      if (officer) await removeUser(officer);
    });

    it('signs in with the enrolled secret and gets the second factor claimed', async () => {
      const { claims } = await keycloakToken({ username: officer.username, totp: true });

      expect(claims.preferred_username).toBe(officer.username);
      expect(claims.realm_access?.roles).toContain('privacy-officer');
      expect(claims.acr).toBe('mfa');
      expect(claims.amr).toEqual(['pwd', 'otp']);
    });

    it('is refused with a wrong code, and with no code when asking for the second factor', async () => {
      const step = totpStep(Date.now() / 1000);
      const wrong = totpCode(officer.totpSecret ?? '', step - 5);
      const attempt = keycloakToken({ username: officer.username, totp: wrong });

      await expect(attempt).rejects.toBeInstanceOf(KeycloakTokenError);
      await expect(attempt).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_grant') });
      await expect(keycloakToken({ username: officer.username, scope: 'mfa' })).rejects.toMatchObject({
        status: 400,
        body: expect.stringContaining('invalid_grant'),
      });
    });
  });
});
