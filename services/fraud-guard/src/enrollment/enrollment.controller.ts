import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseFilters } from '@nestjs/common';
import { ActivationService, type IssuedChallenge } from '../activation/activation.service';
import { activateRequestSchema, confirmRequestSchema, parseBody } from './dto/activation.dto';
import { EnrollmentApiExceptionFilter } from './enrollment-api.filter';
import { EnrollmentLifecycleService, type EnrollmentView } from './enrollment-lifecycle.service';

/** The enrollment API the care dashboard uses: view, activation with a second factor, opt-out. */
@Controller('enrollments')
@UseFilters(EnrollmentApiExceptionFilter)
export class EnrollmentController {
  constructor(
    private readonly lifecycle: EnrollmentLifecycleService,
    private readonly activation: ActivationService,
  ) {}

  /** Step 1: the code and one of the person's own numbers; a one-time code goes to that number. */
  @Post('activate')
  @HttpCode(HttpStatus.ACCEPTED)
  async activate(@Body() body: unknown): Promise<{ challengeId: string; sentTo: string; expiresAt: string }> {
    const request = parseBody(activateRequestSchema, body);
    const challenge: IssuedChallenge = await this.activation.requestChallenge(request.code, request.msisdn);
    return {
      challengeId: challenge.challengeId,
      sentTo: challenge.sentTo,
      expiresAt: challenge.expiresAt.toISOString(),
    };
  }

  /** Step 2: the code and the one-time code. */
  @Post('activate/confirm')
  @HttpCode(HttpStatus.OK)
  async confirm(@Body() body: unknown): Promise<EnrollmentView> {
    const request = parseBody(confirmRequestSchema, body);
    return this.lifecycle.view(await this.activation.confirm(request.code, request.otp));
  }

  @Get(':id')
  view(@Param('id') id: string): Promise<EnrollmentView> {
    return this.lifecycle.view(id);
  }

  @Post(':id/opt-out')
  @HttpCode(HttpStatus.OK)
  optOut(@Param('id') id: string): Promise<EnrollmentView> {
    return this.lifecycle.optOut(id);
  }
}
