/** Rows of care's read model, as the decoders make them from events. */
export interface ExposureRow {
  incidentId: string;
  personId: string;
  revision: number;
  exposureId: string;
  change: number;
  categories: number[];
  newCategories: number[];
  tier: number;
  policyVersion: string;
  policyRule: string;
  channels: number[];
  actions: number[];
  language: string;
  emailMasked: string | null;
  emailEnc: Buffer | null;
  emailBidx: Buffer | null;
  dryRun: boolean;
  jurisdiction: string;
  detectedAt: Date | null;
}

export interface ExposureNumberRow {
  subscriberId: string;
  stillHeld: boolean;
  lineType: number;
  msisdnMasked: string;
  msisdnEnc: Buffer | null;
  msisdnBidx: Buffer | null;
}

export interface LogRow {
  entryId: string;
  occurredAt: Date;
  source: string;
  incidentId: string;
  revision: number;
  personId: string;
  subjectId: string;
  kind: number;
  channel: number;
  status: string;
  templateId: string;
  templateVersion: string;
  recipientMasked: string;
  errorCode: string;
  detail: string;
}

export interface EnrollmentRow {
  enrollmentId: string;
  incidentId: string;
  personId: string;
  exposureIdempotencyKey: string;
  enrollBy: Date | null;
  monitoringMonths: number;
  actions: number[];
  protectedSubscriptions: number;
}

export interface ControlRow {
  controlId: string;
  incidentId: string;
  revision: number;
  action: 'released' | 'paused' | 'resumed';
  reason: string;
  decidedAt: Date;
}
