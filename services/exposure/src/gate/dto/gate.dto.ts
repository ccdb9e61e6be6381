import { DomainException } from '@bnp/errors';
import { z } from 'zod';
import { ExposureErrorCode } from '../../resolution/exposure.exception';

export const approvalRequestSchema = z.object({
  summaryHash: z.string().regex(/^[0-9a-f]{64}$/, 'the summaryHash of the revision you were shown (GET the incident)'),
});

export const controlRequestSchema = z.object({
  reason: z.string().trim().min(1, 'say why').max(500, 'at most 500 characters'),
});

export function parseGateBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new DomainException(
      ExposureErrorCode.InvalidRequest,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  }
  return parsed.data;
}
