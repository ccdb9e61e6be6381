import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnrollmentCreatedSchema, Topics, encodeMessage } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import type { EnrollmentEntity } from './enrollment.entity';

/** `fraud.enrollments.v1`, keyed by person: the notifier waits for it so the notice carries the code. */
export function enrollmentCreatedMessage(
  enrollment: Pick<
    EnrollmentEntity,
    'id' | 'incidentId' | 'personId' | 'exposureIdempotencyKey' | 'enrollBy' | 'monitoringMonths' | 'actions'
  >,
  activationCodeCiphertext: Buffer,
  protectedSubscriptions: number,
): OutboxMessage {
  return {
    topic: Topics.fraudEnrollments,
    key: enrollment.personId,
    payload: encodeMessage(EnrollmentCreatedSchema, {
      enrollmentId: enrollment.id,
      incidentId: enrollment.incidentId,
      personId: enrollment.personId,
      exposureIdempotencyKey: enrollment.exposureIdempotencyKey,
      activationCodeCiphertext,
      enrollBy: timestampFromDate(enrollment.enrollBy),
      monitoringMonths: enrollment.monitoringMonths,
      actions: enrollment.actions,
      protectedSubscriptions,
    }),
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'fraud.v1.EnrollmentCreated' },
  };
}
