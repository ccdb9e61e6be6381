// Authorization Code + PKCE (RFC 7636) against the IdP, by hand: a public client, no secret, no library.
export interface ConsoleConfig {
  issuer: string;
  clientId: string;
}

export interface Session {
  accessToken: string;
  username: string;
  roles: string[];
  expiresAt: number;
}

const VERIFIER = 'care-web.pkce-verifier';
const STATE = 'care-web.state';
const SESSION = 'care-web.session';

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = () => base64Url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => `${window.location.origin}/`;

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console/config.json');
  if (!response.ok) throw new Error(`console configuration: HTTP ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

export async function signIn(config: ConsoleConfig): Promise<void> {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL(`${config.issuer}/protocol/openid-connect/auth`);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'openid',
    state,
    code_challenge: base64Url(digest),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

function sessionFrom(accessToken: string, expiresIn: number): Session {
  const payload = JSON.parse(atob(accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
    preferred_username?: string;
    realm_access?: { roles?: string[] };
  };
  return {
    accessToken,
    username: payload.preferred_username ?? '',
    roles: payload.realm_access?.roles ?? [],
    expiresAt: Date.now() + expiresIn * 1000,
  };
}

/** Completes a sign-in when the IdP sent us back with a code; otherwise returns the session in this tab, if any. */
export async function currentSession(config: ConsoleConfig): Promise<Session | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (code) {
    const verifier = sessionStorage.getItem(VERIFIER);
    if (!verifier || params.get('state') !== sessionStorage.getItem(STATE)) throw new Error('sign-in state mismatch');
    const response = await fetch(`${config.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: redirectUri(),
        code_verifier: verifier,
      }),
    });
    if (!response.ok) throw new Error(`sign-in failed: HTTP ${response.status}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    sessionStorage.removeItem(VERIFIER);
    sessionStorage.removeItem(STATE);
    const session = sessionFrom(body.access_token, body.expires_in);
    // The token lives in this tab only (sessionStorage), never in a cookie another site could ride on.
    sessionStorage.setItem(SESSION, JSON.stringify(session));
    window.history.replaceState(null, '', `/${window.location.hash}`);
    return session;
  }
  const stored = sessionStorage.getItem(SESSION);
  if (!stored) return null;
  const session = JSON.parse(stored) as Session;
  return session.expiresAt > Date.now() + 5000 ? session : null;
}

export function signOut(config: ConsoleConfig): void {
  sessionStorage.removeItem(SESSION);
  const url = new URL(`${config.issuer}/protocol/openid-connect/logout`);
  url.search = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: redirectUri() }).toString();
  window.location.assign(url.toString());
}
