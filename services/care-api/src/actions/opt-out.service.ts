import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OwningServicesClient } from '../lookup/owning-services.client';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { VerificationRepository } from '../verification/verification.repository';
import { verifiedCallerProblem } from './verified-caller';

/**
 * A verified caller's opt-out from fraud-watch, done by fraud-guard (which owns enrollments) as the agent:
 * their token and their reason, with the verification the reason cites. care-api changes nothing itself;
 * its read model learns the new state from fraud-guard's events like any other.
 */
@Injectable()
export class OptOutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly verifications: VerificationRepository,
    private readonly owners: OwningServicesClient,
  ) {}

  async optOut(
    personId: string,
    enrollmentId: string,
    verificationId: string,
    authorization: string,
    reason: string,
  ): Promise<Record<string, unknown>> {
    const owned: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM "care"."enrollments" WHERE "enrollment_id" = $1 AND "person_id" = $2`,
      [enrollmentId, personId],
    );
    if (owned.length === 0)
      throw new CareException(CareErrorCode.EnrollmentNotFound, 'no such enrollment of this person');
    const verification = await this.verifications.find(personId, verificationId);
    const problem = verifiedCallerProblem(
      verification && {
        personId: verification.person_id,
        verifiedAt: verification.verified_at ? new Date(verification.verified_at) : null,
      },
      personId,
      new Date(),
    );
    if (problem) throw new CareException(CareErrorCode.CallerNotVerified, problem);
    const view = await this.owners.optOut(
      enrollmentId,
      authorization,
      `${reason} (caller verified: ${verificationId})`.slice(0, 500),
    );
    if (!view) throw new CareException(CareErrorCode.EnrollmentNotFound, 'fraud-guard has no such enrollment');
    return view;
  }
}
