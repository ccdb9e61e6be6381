/** How long after a caller read their care code back an action may cite that verification: one call. */
export const VERIFIED_CALL_MS = 30 * 60_000;

export interface CitedVerification {
  personId: string;
  verifiedAt: Date | null;
}

/**
 * Why a cited verification does not let an agent act for `personId` at `now`, or null when it does: it must
 * be this person's, successful, and from this call (not a code read back yesterday). Pure.
 */
export function verifiedCallerProblem(
  verification: CitedVerification | null,
  personId: string,
  now: Date,
): string | null {
  if (!verification || verification.personId !== personId) return 'no verification of this person with that id';
  if (!verification.verifiedAt) return 'the caller has not read the care code back yet';
  if (now.getTime() - verification.verifiedAt.getTime() > VERIFIED_CALL_MS)
    return 'the verification is from an earlier call: verify the caller again';
  return null;
}
