import type { DomainException } from '@bnp/errors';
export enum ExposureErrorCode {
  MalformedRevision = 'MALFORMED_REVISION',
  /** A scope list is referenced before it was imported (or with another sha256). */
  UnknownScopeList = 'UNKNOWN_SCOPE_LIST',
  RevisionNotFound = 'REVISION_NOT_FOUND',
  NotHeld = 'NOT_HELD',
  NotAuthorised = 'NOT_AUTHORISED',
  AlreadyApproved = 'ALREADY_APPROVED',
  IncidentNotFound = 'INCIDENT_NOT_FOUND',
  /** The revision summary changed since the approver was shown it. */
  StaleSummary = 'STALE_SUMMARY',
  InvalidRequest = 'INVALID_REQUEST',
}

/** The exposure context's domain exception: ExposureErrorCode decides what each transport does with it. */
export type ExposureException = DomainException<ExposureErrorCode>;
