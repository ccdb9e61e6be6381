import type { Principal } from '@bnp/auth';

/** How recently an approver must have signed in (with a second factor) for their approval to count. */
export const APPROVAL_MAX_AUTH_AGE_SECONDS = 600;

/**
 * Why this principal may not approve a release now, or null when they may. The route's permission
 * (incident:release) is checked by the guard; these are the conditions on top of it: a person, not a
 * service account; a second factor in this sign-in; a sign-in at most ten minutes old.
 */
export function approvalRefusal(principal: Principal, nowSeconds: number): string | null {
  if (principal.serviceAccount) return 'a service account cannot approve a release';
  if (!principal.permissions.has('incident:release')) return 'only a privacy officer can approve a release';
  if (!principal.secondFactor) return 'sign in with your one-time password to approve a release';
  if (principal.authTime === null) return 'the token does not say when you signed in (auth_time)';
  if (nowSeconds - principal.authTime > APPROVAL_MAX_AUTH_AGE_SECONDS) {
    return `your sign-in is older than ${APPROVAL_MAX_AUTH_AGE_SECONDS / 60} minutes: sign in again to approve`;
  }
  return null;
}
