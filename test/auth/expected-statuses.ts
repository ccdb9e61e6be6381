// The authorisation matrix, written by hand: for every HTTP route of every service, the status each caller
// gets. It is never derived from libs/auth/src/permissions.v1.json (the file the guard reads), so a wrong
// permission there, or on a route, fails the matrix. A route missing here fails it too.

export const PERSONAS = [
  // Tokens that must never get in, whoever they were issued to.
  'none',
  'expired',
  'other-audience',
  'other-issuer',
  'unknown-key',
  'tampered',
  // Real Keycloak users (docs/identity.md) and the CLI's service account.
  'care-agent',
  'care-supervisor',
  'incident-responder',
  'regulator-pk',
  'regulator-eu',
  'auditor',
  'service-account',
  'privacy-officer-password-only',
  'privacy-officer-signed-in-11-minutes-ago',
  // Last, in this order: the first OTP approval holds, the second releases.
  'privacy-officer-otp',
  'privacy-officer-otp-2',
] as const;

export type Persona = (typeof PERSONAS)[number];
export type Expected = Record<Persona, number>;

const everyone = (status: number): Expected =>
  Object.fromEntries(PERSONAS.map((persona) => [persona, status])) as Expected;

/** No valid token for this platform: 401 on every protected route. */
const refusedTokens = {
  none: 401,
  expired: 401,
  'other-audience': 401,
  'other-issuer': 401,
  'unknown-key': 401,
  tampered: 401,
} as const;

export const EXPECTED: Record<string, Expected> = {
  // Public on every service: liveness, readiness, metrics.
  'breach-intake GET /health': everyone(200),
  'breach-intake GET /health/live': everyone(200),
  'breach-intake GET /metrics': everyone(200),
  'exposure GET /health': everyone(200),
  'exposure GET /health/live': everyone(200),
  'exposure GET /metrics': everyone(200),
  'notifier GET /health': everyone(200),
  'notifier GET /health/live': everyone(200),
  'notifier GET /metrics': everyone(200),
  'fraud-guard GET /health': everyone(200),
  'fraud-guard GET /health/live': everyone(200),
  'fraud-guard GET /metrics': everyone(200),

  // An incident (seeded in jurisdiction PK): staff read it; a regulator only in their own jurisdiction.
  'breach-intake GET /incidents/:incidentId': {
    ...refusedTokens,
    'care-agent': 403,
    'care-supervisor': 200,
    'incident-responder': 200,
    'regulator-pk': 200,
    'regulator-eu': 404,
    auditor: 200,
    'service-account': 403,
    'privacy-officer-password-only': 200,
    'privacy-officer-signed-in-11-minutes-ago': 200,
    'privacy-officer-otp': 200,
    'privacy-officer-otp-2': 200,
  },
  'exposure GET /incidents/:incidentId': {
    ...refusedTokens,
    'care-agent': 403,
    'care-supervisor': 200,
    'incident-responder': 200,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 200,
    'service-account': 403,
    'privacy-officer-password-only': 200,
    'privacy-officer-signed-in-11-minutes-ago': 200,
    'privacy-officer-otp': 200,
    'privacy-officer-otp-2': 200,
  },
  // The release gate: privacy officers with OTP, signed in within 10 minutes; two of them release.
  'exposure POST /incidents/:incidentId/revisions/:revision/approvals': {
    ...refusedTokens,
    'care-agent': 403,
    'care-supervisor': 403,
    'incident-responder': 403,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 403,
    'service-account': 403,
    'privacy-officer-password-only': 403,
    'privacy-officer-signed-in-11-minutes-ago': 403,
    'privacy-officer-otp': 200,
    'privacy-officer-otp-2': 200,
  },
  'exposure POST /incidents/:incidentId/pause': {
    ...refusedTokens,
    'care-agent': 403,
    'care-supervisor': 403,
    'incident-responder': 200,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 403,
    'service-account': 403,
    'privacy-officer-password-only': 200,
    'privacy-officer-signed-in-11-minutes-ago': 200,
    'privacy-officer-otp': 200,
    'privacy-officer-otp-2': 200,
  },
  'exposure POST /incidents/:incidentId/resume': {
    ...refusedTokens,
    'care-agent': 403,
    'care-supervisor': 403,
    'incident-responder': 403,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 403,
    'service-account': 403,
    'privacy-officer-password-only': 200,
    'privacy-officer-signed-in-11-minutes-ago': 200,
    'privacy-officer-otp': 200,
    'privacy-officer-otp-2': 200,
  },
  // Counts only; no personal data.
  'notifier GET /incidents/:incidentId/notices': {
    ...refusedTokens,
    'care-agent': 403,
    'care-supervisor': 200,
    'incident-responder': 200,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 200,
    'service-account': 403,
    'privacy-officer-password-only': 200,
    'privacy-officer-signed-in-11-minutes-ago': 200,
    'privacy-officer-otp': 200,
    'privacy-officer-otp-2': 200,
  },
  // Twilio's callback: its own guard (the request signature) refuses every unsigned call.
  'notifier POST /twilio/status': everyone(403),
  // Activation and self-service verification: public, guarded by the codes; an empty body is a 400 for all.
  'fraud-guard POST /enrollments/activate': everyone(400),
  'fraud-guard POST /enrollments/activate/confirm': everyone(400),
  'fraud-guard POST /enrollments/:id/verification': everyone(400),
  // A person's enrollment (an unknown id here): care staff get through to "not found"; nobody else does.
  'fraud-guard GET /enrollments/:id': {
    ...refusedTokens,
    'care-agent': 404,
    'care-supervisor': 404,
    'incident-responder': 403,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 403,
    'service-account': 403,
    'privacy-officer-password-only': 403,
    'privacy-officer-signed-in-11-minutes-ago': 403,
    'privacy-officer-otp': 403,
    'privacy-officer-otp-2': 403,
  },
  'fraud-guard POST /enrollments/:id/opt-out': {
    ...refusedTokens,
    'care-agent': 404,
    'care-supervisor': 404,
    'incident-responder': 403,
    'regulator-pk': 403,
    'regulator-eu': 403,
    auditor: 403,
    'service-account': 403,
    'privacy-officer-password-only': 403,
    'privacy-officer-signed-in-11-minutes-ago': 403,
    'privacy-officer-otp': 403,
    'privacy-officer-otp-2': 403,
  },
};
