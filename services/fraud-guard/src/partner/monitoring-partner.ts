/** What fraud-guard asks of a monitoring partner. The HTTP adapter is one implementation; tests may use others. */
export interface MonitoringPartner {
  /** Enrolls a person; the same idempotency key must never enroll twice. */
  enroll(request: PartnerEnrollmentRequest, idempotencyKey: string): Promise<PartnerEnrollment>;
  /** The partner's enrollment for our reference, if it has one: checked before a retry. */
  findByReference(reference: string): Promise<PartnerEnrollment | null>;
  cancel(partnerId: string, idempotencyKey: string): Promise<void>;
}

export const MONITORING_PARTNER = Symbol('MONITORING_PARTNER');

export interface PartnerEnrollmentRequest {
  /** Our enrollment id: the partner's handle back to us, and what a lookup searches by. */
  reference: string;
  /** E.164 numbers the person still holds: what the partner watches for SIM swaps and port-outs. */
  msisdns: string[];
  monitoringStartsAt: Date;
  monitoringEndsAt: Date;
}

export interface PartnerEnrollment {
  id: string;
  reference: string;
  status: string;
}

/** A failed partner call. Retryable ones (outage, timeout, 429, 5xx) are tried again later with the same key. */
export class PartnerCallError extends Error {
  constructor(
    public readonly retryable: boolean,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PartnerCallError';
  }
}
