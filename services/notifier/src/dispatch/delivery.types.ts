import type { RiskTier } from '@bnp/contracts';
import type { ChallengePurpose } from '../templates/template';
import type { DeliveryChannel, DeliveryState } from './delivery-state';

/** A delivery handed to this instance by a claim, with what its notice says. */
/** A ready delivery locked by a claim, before the claim's lease is written. */
export type LockedDelivery = Omit<ClaimedDelivery, 'lease_id'>;

export interface ClaimedDelivery {
  delivery_id: string;
  notice_id: string;
  incident_id: string;
  person_id: string;
  channel: DeliveryChannel;
  /** 'queued' (send it) or 'unknown' (settle the last attempt first). */
  claimed_from: 'queued' | 'unknown';
  /** This claim's fencing token: sends and their answers count only while it holds the delivery. */
  lease_id: string;
  /** When the provider's list first showed no message for the unknown outcome being settled. */
  absent_since: Date | null;
  recipient_ciphertext: Buffer;
  recipient_masked: string;
  marker: string;
  attempts: number;
  first_attempt_at: Date | null;
  priority: number;
  kind: 'notice' | 'protection' | 'activation';
  change: 'new' | 'widened' | 'retracted';
  tier: RiskTier;
  language: 'ur' | 'en';
  revision: number;
  categories: number[];
  new_categories: number[];
  actions: number[];
  attack_vectors: number[];
  msisdns_masked: string[];
  detected_at: Date | null;
  occurred_to: Date | null;
  jurisdiction: string;
  /** Receipts of reports filed with the incident's regulators (regulator.reports.v1), filed_at as ISO text. */
  regulator_receipts: { regulator_id: string; filed_at: string }[];
  reference_code: string;
  enrollment_timed_out: boolean;
  enrollment_id: string | null;
  activation_code_ciphertext: Buffer | null;
  enroll_by: Date | null;
  monitoring_months: number | null;
  /**
   * Activation messages only: the challenge, what its code is for (fraud-watch activation or care code),
   * its sealed one-time code (null once wiped) and its expiry.
   */
  challenge_id: string | null;
  challenge_purpose: ChallengePurpose | null;
  otp_ciphertext: Buffer | null;
  otp_expires_at: Date | null;
}

/** What a claim records about the attempt it starts (none for a delivery claimed only to be reconciled). */
export interface AttemptRecord {
  deliveryId: string;
  templateId: string;
  templateVersion: string;
  contentHmac: string;
  segments: number | null;
}

/** A state change of a delivery this instance holds (its own attempt's answer, or a reconciliation). */
export interface Transition {
  deliveryId: string;
  /** The claim the change is made under; a claim that lost the delivery changes nothing. */
  leaseId: string;
  state: DeliveryState;
  providerRef?: string | null;
  providerStatus?: string | null;
  errorCode?: string | null;
  errorDetail?: string | null;
  /** For a retry: do not claim again before this many milliseconds. */
  delayMs?: number;
  /**
   * Count `delayMs` from the end of the lease the attempt was sent under, not from now: a request the
   * client gave up on may still be processed by the provider until then (an unknown outcome).
   */
  delayAfterLease?: boolean;
  /** Reconciliation: when the provider's list first showed no message for this unknown outcome. */
  absentSince?: Date | null;
  segments?: number | null;
}

/** A status the provider reported (callback or fetch); applied only if it moves the delivery forward. */
export interface ProviderStatus {
  deliveryId: string;
  sid: string;
  state: DeliveryState;
  rank: number;
  providerStatus: string;
  errorCode: string | null;
}

/** A delivery row as it is after a change, for the log, the fallback and the notice outcome. */
export interface ChangedDelivery {
  delivery_id: string;
  notice_id: string;
  incident_id: string;
  person_id: string;
  channel: DeliveryChannel;
  state: DeliveryState;
  recipient_masked: string;
  provider_ref: string | null;
  template_id: string | null;
  template_version: string | null;
  content_hmac: string | null;
  error_code: string | null;
  error_detail: string | null;
  attempts: number;
  revision: number;
}

export interface ClaimFilter {
  channel: DeliveryChannel;
  limit: number;
  /** Quiet hours: only CRITICAL and HIGH may go. */
  quiet: boolean;
  settleMs: number;
  owner: string;
  leaseMs: number;
}

export interface FallbackSource {
  notice_id: string;
  incident_id: string;
  person_id: string;
  priority: number;
  marker: string;
  email_ciphertext: Buffer | null;
  email_masked: string | null;
  has_email_delivery: boolean;
}
