import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { Public, RequirePermission } from '@bnp/auth';
import { ActivationService, type IssuedChallenge } from '../activation/activation.service';
import { activateRequestSchema, confirmRequestSchema, parseBody } from './dto/activation.dto';
import { EnrollmentApiExceptionFilter } from './enrollment-api.filter';
import { EnrollmentLifecycleService, type EnrollmentView } from './enrollment-lifecycle.service';
import { EnrollmentHolderProof } from './holder-proof.verifier';

const ACTIVATION_GUARD =
  "activation: the activation code plus a one-time code sent to one of the person's own numbers is its proof; " +
  'wrong numbers and codes count towards a lockout, one-time codes are rate-limited';

/**
 * The enrollment API: activation with a second factor (the person), and viewing and opting out (care
 * staff with a reason, or the person proving possession of their code and a one-time code).
 */
@Controller('enrollments')
@UseFilters(EnrollmentApiExceptionFilter)
export class EnrollmentController {
  constructor(
    private readonly lifecycle: EnrollmentLifecycleService,
    private readonly activation: ActivationService,
    private readonly holderProof: EnrollmentHolderProof,
  ) {}

  /** Step 1: the code and one of the person's own numbers; a one-time code goes to that number. */
  @Post('activate')
  @HttpCode(HttpStatus.ACCEPTED)
  @Public(ACTIVATION_GUARD)
  async activate(@Body() body: unknown): Promise<{ challengeId: string; sentTo: string; expiresAt: string }> {
    const request = parseBody(activateRequestSchema, body);
    return challengeView(await this.activation.requestChallenge(request.code, request.msisdn));
  }

  /** Step 2: the code and the one-time code. */
  @Post('activate/confirm')
  @HttpCode(HttpStatus.OK)
  @Public(ACTIVATION_GUARD)
  async confirm(@Body() body: unknown): Promise<EnrollmentView> {
    const request = parseBody(confirmRequestSchema, body);
    return this.lifecycle.view(await this.activation.confirm(request.code, request.otp));
  }

  /**
   * Self-service step 1, any status: this enrollment's code and one of the person's numbers; a one-time
   * code goes to that number, to be sent with the code as X-Activation-Code and X-One-Time-Code.
   */
  @Post(':id/verification')
  @HttpCode(HttpStatus.ACCEPTED)
  @Public(ACTIVATION_GUARD)
  async verification(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<{ challengeId: string; sentTo: string; expiresAt: string }> {
    this.holderProof.throttle(request, id);
    const input = parseBody(activateRequestSchema, body);
    return challengeView(await this.activation.requestHolderChallenge(id, input.code, input.msisdn));
  }

  @Get(':id')
  @RequirePermission('enrollment:read', { reasonRequired: true, orHolderProof: true })
  view(@Param('id') id: string): Promise<EnrollmentView> {
    return this.lifecycle.view(id);
  }

  @Post(':id/opt-out')
  @HttpCode(HttpStatus.OK)
  @RequirePermission('enrollment:opt-out', { reasonRequired: true, orHolderProof: true })
  optOut(@Param('id') id: string): Promise<EnrollmentView> {
    return this.lifecycle.optOut(id);
  }
}

function challengeView(challenge: IssuedChallenge) {
  return { challengeId: challenge.challengeId, sentTo: challenge.sentTo, expiresAt: challenge.expiresAt.toISOString() };
}
