import type { Request } from 'express';
import type { Principal } from './principal';

/**
 * Verifies that the caller is the person a record is about, for routes declared with `orHolderProof`
 * (fraud-guard: the activation code and a one-time code). Resolves with the record's reference; throws an
 * HttpException (403, 429 with Retry-After) when the proof fails. Provided by the service that owns the record.
 */
export interface HolderProofVerifier {
  /** The request carries a proof to check (without one, a token-less call is answered 401 as anywhere). */
  presented(request: Request): boolean;
  verify(request: Request): Promise<string>;
}
export const HOLDER_PROOF_VERIFIER = Symbol('HOLDER_PROOF_VERIFIER');

/** Told of every refusal of an authenticated caller (403), so it lands in the access log. */
export interface AccessDenialListener {
  denied(request: Request, principal: Principal, detail: string): Promise<void>;
}
export const ACCESS_DENIAL_LISTENER = Symbol('ACCESS_DENIAL_LISTENER');
