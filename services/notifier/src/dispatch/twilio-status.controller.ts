import { BadRequestException, Controller, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { Public } from '@bnp/auth';
import { DispatchService } from './dispatch.service';
import { parseStatusCallback } from './twilio-status-callback';
import { TwilioSignatureGuard, type TwilioRequest } from './twilio-signature.guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Twilio's StatusCallback. Answers only after the status is written, so a crash makes Twilio retry. */
@Controller('twilio')
export class TwilioStatusController {
  constructor(private readonly dispatch: DispatchService) {}

  @Post('status')
  @Public("Twilio's status callback: TwilioSignatureGuard checks the X-Twilio-Signature HMAC")
  @HttpCode(204)
  @UseGuards(TwilioSignatureGuard)
  async status(@Req() request: TwilioRequest, @Query('d') deliveryId: string | undefined): Promise<void> {
    if (!deliveryId || !UUID.test(deliveryId)) throw new BadRequestException('the callback URL names no delivery');
    const callback = parseStatusCallback(request.twilioParams ?? {});
    if (callback) await this.dispatch.handleStatus(deliveryId, callback, callback.state);
  }
}
