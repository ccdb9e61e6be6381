import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { base32Encode, nextTotpStep, TOTP_PERIOD_SECONDS, totpCode, totpStep } from './totp';

/**
 * Real tokens from the local Keycloak (scripts/keycloak.sh, realm deploy/local/keycloak/realm-bnp.json).
 * Demo users' passwords and OTP secrets are read from the realm file, the one place they are written.
 */
export const REALM_FILE = resolve(__dirname, '../../../deploy/local/keycloak/realm-bnp.json');
export const BNP_API_AUDIENCE = 'bnp-api';
/** Local-only secrets of the realm file's confidential clients. */
export const LOCAL_CLIENT_SECRETS = {
  'bnp-cli': 'bnp-cli-local-secret',
  'bnp-provisioning': 'bnp-provisioning-local-secret',
  'bnp-regulator-api': 'bnp-regulator-api-local-secret',
};

export function keycloakIssuer(): string {
  return process.env.KEYCLOAK_ISSUER ?? `http://127.0.0.1:${process.env.KEYCLOAK_PORT ?? '8180'}/realms/bnp`;
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  azp?: string;
  acr?: string;
  amr?: string[];
  auth_time?: number;
  jurisdiction?: string;
  preferred_username?: string;
  scope?: string;
  realm_access?: { roles: string[] };
  [claim: string]: unknown;
}

export interface KeycloakTokens {
  accessToken: string;
  idToken?: string;
  /** The access token's payload, decoded without verification (the services verify; tests inspect). */
  claims: TokenClaims;
}

export class KeycloakTokenError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`Keycloak refused ${what}: HTTP ${status} ${body}`);
  }
}

export function decodeJwtPayload(jwt: string): TokenClaims {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
}

interface RealmCredential {
  type: string;
  value?: string;
  secretData?: string;
}
interface RealmUser {
  username: string;
  credentials?: RealmCredential[];
}

/** A demo user's local password and base32 OTP secret (if any), as written in the realm file. */
export function demoUser(username: string): { password: string; totpSecret?: string } {
  const realm = JSON.parse(readFileSync(REALM_FILE, 'utf8')) as { users: RealmUser[] };
  const user = realm.users.find((candidate) => candidate.username === username);
  const password = user?.credentials?.find((credential) => credential.type === 'password')?.value;
  if (!user || !password) throw new Error(`no demo user '${username}' with a password in ${REALM_FILE}`);
  const otp = user.credentials?.find((credential) => credential.type === 'otp');
  const totpSecret = otp?.secretData ? (JSON.parse(otp.secretData) as { value: string }).value : undefined;
  return { password, totpSecret };
}

const enrolledSecrets = new Map<string, { password: string; totpSecret?: string }>();

async function tokenRequest(form: Record<string, string>, what: string): Promise<KeycloakTokens> {
  const response = await fetch(`${keycloakIssuer()}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  if (!response.ok) throw new KeycloakTokenError(response.status, text, what);
  const body = JSON.parse(text) as { access_token: string; id_token?: string };
  return { accessToken: body.access_token, idToken: body.id_token, claims: decodeJwtPayload(body.access_token) };
}

/**
 * Keycloak accepts each code once and one step ahead; this remembers, across test files and processes,
 * the last step used per secret (a file in the temp directory) and waits for a fresh step when needed.
 */
async function freshTotp(secret: string): Promise<string> {
  const file = join(tmpdir(), `bnp-totp-${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`);
  const deadline = Date.now() + 2 * TOTP_PERIOD_SECONDS * 1000 + 5000;
  for (;;) {
    let lastUsed: number | undefined;
    try {
      lastUsed = Number(readFileSync(file, 'utf8'));
    } catch {
      lastUsed = undefined;
    }
    const decision = nextTotpStep(totpStep(Date.now() / 1000), Number.isFinite(lastUsed) ? lastUsed : undefined);
    if ('use' in decision) {
      writeFileSync(file, String(decision.use));
      return totpCode(secret, decision.use);
    }
    if (Date.now() > deadline)
      throw new Error(`no unused TOTP step became current (waiting for step ${decision.waitFor})`);
    const waitMs = decision.waitFor * TOTP_PERIOD_SECONDS * 1000 - Date.now() + 50;
    await new Promise((done) => setTimeout(done, Math.max(waitMs, 50)));
  }
}

export interface KeycloakLogin {
  username: string;
  /** Defaults to the demo password from the realm file (or the one enrolUser made). */
  password?: string;
  /** true: the current code from the user's known secret; a string: that code. Adds scope mfa. */
  totp?: boolean | string;
  clientId?: string;
  scope?: string;
}

/** Signs a person in through the realm's real direct-grant flow (password, plus OTP when asked). */
export async function keycloakToken(login: KeycloakLogin): Promise<KeycloakTokens> {
  const known = enrolledSecrets.get(login.username) ?? (login.password ? undefined : demoUser(login.username));
  const password = login.password ?? known?.password ?? '';
  const scopes = new Set(['openid', ...(login.scope ?? '').split(' ').filter(Boolean)]);
  const form: Record<string, string> = {
    grant_type: 'password',
    client_id: login.clientId ?? 'bnp-cli-login',
    username: login.username,
    password,
  };
  if (login.totp !== undefined && login.totp !== false) {
    scopes.add('mfa');
    if (typeof login.totp === 'string') form.totp = login.totp;
    else {
      const secret = known?.totpSecret ?? enrolledSecrets.get(login.username)?.totpSecret;
      if (!secret) throw new Error(`no known OTP secret for '${login.username}'`);
      form.totp = await freshTotp(secret);
    }
  }
  form.scope = [...scopes].join(' ');
  return tokenRequest(form, `the login of '${login.username}'`);
}

/** A machine caller's token (client credentials), e.g. serviceToken('bnp-cli', 'bnp-cli-local-secret'). */
export async function serviceToken(
  clientId = 'bnp-cli',
  secret = LOCAL_CLIENT_SECRETS['bnp-cli'],
): Promise<KeycloakTokens> {
  return tokenRequest(
    { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    `client '${clientId}'`,
  );
}

function adminBase(): string {
  const issuer = new URL(keycloakIssuer());
  return `${issuer.origin}${issuer.pathname.replace('/realms/', '/admin/realms/')}`;
}

async function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const { accessToken } = await serviceToken('bnp-provisioning', LOCAL_CLIENT_SECRETS['bnp-provisioning']);
  const response = await fetch(`${adminBase()}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok) throw new KeycloakTokenError(response.status, await response.text(), `admin call ${path}`);
  return response;
}

export interface EnrolledUser {
  id: string;
  username: string;
  password: string;
  totpSecret?: string;
}

/**
 * Creates a fresh user through the admin REST API (as the bnp-provisioning service account) with the
 * given realm roles and, when otp is true, an OTP credential whose base32 secret the test then knows.
 * keycloakToken({ username, totp: true }) works for it afterwards.
 */
export async function enrolUser(options: {
  roles: string[];
  otp?: boolean;
  jurisdiction?: string;
  username?: string;
}): Promise<EnrolledUser> {
  const username = options.username ?? `test-${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const totpSecret = options.otp ? base32Encode(randomBytes(20)) : undefined;
  const credentials: object[] = [{ type: 'password', value: password, temporary: false }];
  if (totpSecret) {
    credentials.push({
      type: 'otp',
      userLabel: 'enrolled by a test',
      secretData: JSON.stringify({ value: totpSecret }),
      credentialData: JSON.stringify({
        subType: 'totp',
        digits: 6,
        counter: 0,
        period: 30,
        algorithm: 'HmacSHA1',
        secretEncoding: 'BASE32',
      }),
    });
  }
  await adminFetch('/users', {
    method: 'POST',
    body: JSON.stringify({
      username,
      enabled: true,
      email: `${username}@bnp.local.test`,
      emailVerified: true,
      firstName: 'Test',
      lastName: username,
      attributes: options.jurisdiction ? { jurisdiction: [options.jurisdiction] } : undefined,
      credentials,
    }),
  });
  const [created] = (await (await adminFetch(`/users?exact=true&username=${encodeURIComponent(username)}`)).json()) as {
    id: string;
  }[];
  if (!created) throw new Error(`user ${username} was not found after creating it`);
  // Role representations through the user's own endpoint: manage-users suffices (reading /roles needs view-realm).
  const available = (await (await adminFetch(`/users/${created.id}/role-mappings/realm/available`)).json()) as {
    name: string;
  }[];
  const roles = options.roles.map((role) => {
    const found = available.find((candidate) => candidate.name === role);
    if (!found) throw new Error(`realm bnp has no role '${role}'`);
    return found;
  });
  if (roles.length > 0) {
    await adminFetch(`/users/${created.id}/role-mappings/realm`, { method: 'POST', body: JSON.stringify(roles) });
  }
  enrolledSecrets.set(username, { password, totpSecret });
  return { id: created.id, username, password, totpSecret };
}

/** Removes a user made by enrolUser. */
export async function removeUser(user: EnrolledUser): Promise<void> {
  await adminFetch(`/users/${user.id}`, { method: 'DELETE' });
  enrolledSecrets.delete(user.username);
}
