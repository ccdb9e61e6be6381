import { PermissionMap } from './permissions';
import { claimList, principalFromClaims } from './principal';

describe(principalFromClaims.name, () => {
  const config = {
    OIDC_ROLES_CLAIM: 'realm_access.roles',
    OIDC_SECOND_FACTOR_AMR: ['otp', 'mfa'],
    OIDC_SECOND_FACTOR_ACR: [] as string[],
    OIDC_JURISDICTION_CLAIM: 'jurisdiction',
    OIDC_IAT_IS_AUTH_TIME_CLIENTS: ['bnp-cli-login'],
  };
  const permissions = PermissionMap.load();
  const sut = (claims: Record<string, unknown>, overrides: Partial<typeof config> = {}) =>
    principalFromClaims({ sub: 's-1', ...claims }, { ...config, ...overrides }, (roles) =>
      permissions.permissionsOf(roles),
    );

  it('reads Keycloak realm roles and grants their permissions', () => {
    const principal = sut({ realm_access: { roles: ['incident-responder', 'offline_access'] } });
    expect(principal.roles).toEqual(['incident-responder', 'offline_access']);
    expect([...principal.permissions].sort()).toEqual(['incident:pause', 'incident:read', 'notices:read']);
  });

  it('reads roles from another claim path by configuration (Entra ID, Okta)', () => {
    expect(sut({ roles: ['auditor'] }, { OIDC_ROLES_CLAIM: 'roles' }).permissions.has('incident:read')).toBe(true);
    expect(claimList({ scope: 'openid profile' }, 'scope')).toEqual(['openid', 'profile']);
  });

  it('sees a second factor only in the configured amr or acr values', () => {
    expect(sut({ amr: ['pwd'] }).secondFactor).toBe(false);
    expect(sut({ amr: ['pwd', 'otp'] }).secondFactor).toBe(true);
    expect(sut({ acr: '1' }).secondFactor).toBe(false);
    expect(sut({ acr: 'gold' }, { OIDC_SECOND_FACTOR_ACR: ['gold'] }).secondFactor).toBe(true);
  });

  it('recognises a Keycloak service account', () => {
    expect(sut({ preferred_username: 'service-account-bnp-cli', azp: 'bnp-cli' }).serviceAccount).toBe(true);
    expect(sut({ client_id: 'bnp-cli' }).serviceAccount).toBe(true);
    expect(sut({ preferred_username: 'alice', azp: 'bnp-cli' }).serviceAccount).toBe(false);
  });

  it('takes the jurisdiction and auth_time claims when present', () => {
    expect(sut({ jurisdiction: 'PK', auth_time: 1700000000 })).toMatchObject({
      jurisdiction: 'PK',
      authTime: 1700000000,
    });
    expect(sut({})).toMatchObject({ jurisdiction: null, authTime: null });
  });

  it('takes iat as the sign-in time only for a client configured to issue tokens at sign-in alone', () => {
    expect(sut({ azp: 'bnp-cli-login', iat: 1700000100 }).authTime).toBe(1700000100);
    expect(sut({ azp: 'care-web', iat: 1700000100 }).authTime).toBeNull();
    expect(sut({ azp: 'bnp-cli-login', iat: 1700000100, auth_time: 1700000000 }).authTime).toBe(1700000000);
  });
});

describe(PermissionMap.name, () => {
  it('refuses a permissions file with an unknown permission or version', () => {
    expect(() => PermissionMap.load({ version: 1, roles: { x: ['incident:delete'] } })).toThrow('roles.x.0');
    expect(() => PermissionMap.load({ version: 2, roles: {} })).toThrow('version');
  });
});
