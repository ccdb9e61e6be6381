import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ActivationService } from '../activation/activation.service';

/**
 * Stands in for the SMS that will carry the one-time code until the notifier's path for it exists.
 * Registered only when FRAUD_DEV_ENDPOINTS=true (local work and tests); never in production.
 */
@Controller('dev')
export class DevController {
  constructor(private readonly activation: ActivationService) {}

  @Get('activation-challenges/:challengeId')
  async oneTimeCode(@Param('challengeId') challengeId: string): Promise<{ otp: string }> {
    const otp = /^[0-9a-f-]{36}$/i.test(challengeId) ? await this.activation.pendingOneTimeCode(challengeId) : null;
    if (!otp) throw new NotFoundException('no one-time code is waiting for this challenge');
    return { otp };
  }
}
