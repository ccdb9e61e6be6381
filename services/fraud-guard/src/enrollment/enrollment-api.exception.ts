import type { DomainException } from '@bnp/errors';
/** Why an activation, opt-out or lookup was refused. The HTTP filter maps each to a status. */
export enum EnrollmentApiErrorCode {
  InvalidRequest = 'INVALID_REQUEST',
  MalformedCode = 'MALFORMED_CODE',
  InvalidMsisdn = 'INVALID_MSISDN',
  CodeNotRecognised = 'CODE_NOT_RECOGNISED',
  EnrollmentNotFound = 'ENROLLMENT_NOT_FOUND',
  WrongPerson = 'WRONG_PERSON',
  WrongSecondFactor = 'WRONG_SECOND_FACTOR',
  NoPendingChallenge = 'NO_PENDING_CHALLENGE',
  LockedOut = 'LOCKED_OUT',
  TooManyCodeRequests = 'TOO_MANY_CODE_REQUESTS',
  AlreadyActive = 'ALREADY_ACTIVE',
  NotActivatable = 'NOT_ACTIVATABLE',
  EnrollByPassed = 'ENROLL_BY_PASSED',
}

/** The enrollmentapi context's domain exception: EnrollmentApiErrorCode decides what each transport does with it. */
export type EnrollmentApiException = DomainException<EnrollmentApiErrorCode>;
