// The callers of the matrix: real Keycloak tokens for each role (docs/identity.md), and the tokens that
// must never get in, each made from a real one: another audience, another issuer, a key the issuer never
// published, a payload altered after signing. "Expired" and "signed in 11 minutes ago" are real tokens
// presented later, by moving the services' clocks (see the spec).
import { generateKeyPair, SignJWT } from 'jose';
import { keycloakIssuer, keycloakToken, LOCAL_CLIENT_SECRETS, serviceToken } from '@bnp/testing';
import type { Persona } from './expected-statuses';

export type PersonaTokens = Record<Persona, string | null>;

async function otherIssuerToken(): Promise<string> {
  // The bootstrap admin of the same Keycloak's master realm: a real token, from another issuer.
  const origin = new URL(keycloakIssuer()).origin;
  const response = await fetch(`${origin}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: process.env.KC_BOOTSTRAP_ADMIN_USERNAME ?? 'admin',
      password: process.env.KC_BOOTSTRAP_ADMIN_PASSWORD ?? 'admin',
    }),
  });
  if (!response.ok) throw new Error(`master realm login: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function unknownKeyToken(genuine: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(payloadOf(genuine))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'a-key-the-issuer-never-published' })
    .sign(privateKey);
}

function tampered(genuine: string): string {
  const [header, , signature] = genuine.split('.');
  const payload = payloadOf(genuine);
  payload.realm_access = { roles: ['privacy-officer', 'care-supervisor'] };
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

export async function personaTokens(): Promise<PersonaTokens> {
  const token = async (username: string, totp = false) => (await keycloakToken({ username, totp })).accessToken;
  const carol = await token('carol');
  const aliceWithOtp = await token('alice', true);
  return {
    none: null,
    expired: aliceWithOtp,
    'other-audience': (await serviceToken('bnp-provisioning', LOCAL_CLIENT_SECRETS['bnp-provisioning'])).accessToken,
    'other-issuer': await otherIssuerToken(),
    'unknown-key': await unknownKeyToken(carol),
    tampered: tampered(carol),
    'care-agent': carol,
    'care-supervisor': await token('dave'),
    'incident-responder': await token('erin'),
    'regulator-pk': await token('frank'),
    'regulator-eu': await token('ursula'),
    auditor: await token('grace'),
    'service-account': (await serviceToken()).accessToken,
    'privacy-officer-password-only': await token('alice'),
    'privacy-officer-signed-in-11-minutes-ago': aliceWithOtp,
    'privacy-officer-otp': aliceWithOtp,
    'privacy-officer-otp-2': await token('bob', true),
  };
}

export function expiryOf(jwt: string): number {
  return payloadOf(jwt).exp as number;
}
