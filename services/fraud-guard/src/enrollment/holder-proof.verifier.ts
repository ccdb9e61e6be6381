import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { HolderProofVerifier } from '@bnp/auth';
import type { FraudGuardConfig } from '../config';
import { ActivationService } from '../activation/activation.service';
import { FRAUD_CONFIG } from '../tokens';
import { EnrollmentApiErrorCode as Code } from './enrollment-api.exception';
import { SlidingWindowLimiter } from './sliding-window-limiter';

export const ACTIVATION_CODE_HEADER = 'x-activation-code';
export const ONE_TIME_CODE_HEADER = 'x-one-time-code';

const header = (request: Request, name: string): string => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

/**
 * The person an enrollment is about may read it or opt out without a staff login, by proving possession
 * as activation does: their activation code (X-Activation-Code) and the one-time code just texted to one
 * of their own numbers (X-One-Time-Code, asked for with POST /enrollments/:id/verification). Throttled per
 * client address and per enrollment (429 with Retry-After) before any code is checked.
 */
@Injectable()
export class EnrollmentHolderProof implements HolderProofVerifier {
  private readonly perClient: SlidingWindowLimiter;
  private readonly perEnrollment: SlidingWindowLimiter;

  constructor(
    private readonly activation: ActivationService,
    @Inject(FRAUD_CONFIG) config: FraudGuardConfig,
  ) {
    this.perClient = new SlidingWindowLimiter(
      config.FRAUD_HOLDER_PROOF_PER_CLIENT,
      config.FRAUD_HOLDER_PROOF_WINDOW_MS,
    );
    this.perEnrollment = new SlidingWindowLimiter(
      config.FRAUD_HOLDER_PROOF_PER_ENROLLMENT,
      config.FRAUD_HOLDER_PROOF_WINDOW_MS,
    );
  }

  presented(request: Request): boolean {
    return header(request, ACTIVATION_CODE_HEADER) !== '' || header(request, ONE_TIME_CODE_HEADER) !== '';
  }

  async verify(request: Request): Promise<string> {
    const enrollmentId = String(request.params['id'] ?? '');
    this.throttle(request, enrollmentId);
    const code = header(request, ACTIVATION_CODE_HEADER);
    const otp = header(request, ONE_TIME_CODE_HEADER);
    if (!code || !otp) {
      throw new DomainException(
        Code.InvalidRequest,
        `send both ${ACTIVATION_CODE_HEADER} and ${ONE_TIME_CODE_HEADER} (or a staff bearer token)`,
      );
    }
    return this.activation.proveHolder(enrollmentId, code, otp);
  }

  /** Counts a request for a one-time code against the same limits (POST /enrollments/:id/verification). */
  throttle(request: Request, enrollmentId: string): void {
    const now = Date.now();
    const retryAfter = Math.max(
      this.perClient.take(request.ip ?? 'unknown', now),
      this.perEnrollment.take(enrollmentId, now),
    );
    if (retryAfter > 0) {
      throw new DomainException(Code.TooManyCodeRequests, 'too many attempts; try again later', {
        retryAfterSeconds: retryAfter,
      });
    }
  }
}
