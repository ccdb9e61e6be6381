import { DomainException } from '@bnp/errors';
import { z } from 'zod';
import { EnrollmentApiErrorCode } from '../enrollment-api.exception';

export const activateRequestSchema = z
  .object({ code: z.string().min(1).max(40), msisdn: z.string().min(1).max(40) })
  .strict();
export const confirmRequestSchema = z
  .object({ code: z.string().min(1).max(40), otp: z.string().min(1).max(12) })
  .strict();

export type ActivateRequest = z.infer<typeof activateRequestSchema>;
export type ConfirmRequest = z.infer<typeof confirmRequestSchema>;

/** Validates a request body; the refusal names the fields, never their values (one of them is a phone number). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
  throw new DomainException(EnrollmentApiErrorCode.InvalidRequest, `invalid or missing: ${fields.join(', ')}`);
}
