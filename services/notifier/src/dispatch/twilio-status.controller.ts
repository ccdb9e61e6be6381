import {
  BadRequestException,
  Controller,
  HttpCode,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { CallbackInbox } from './callback-inbox';
import { Public } from '@bnp/auth';
import { parseStatusCallback } from './twilio-status-callback';
import { TwilioSignatureGuard, type TwilioRequest } from './twilio-signature.guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Twilio's StatusCallback. Answers 204 once the callback is committed to the inbox (applied to its
 * delivery in a batch soon after, ADR 0019); 503 if it could not be, so Twilio retries and the status
 * poll settles it otherwise. A replayed callback is answered 204 and changes nothing.
 */
@Controller('twilio')
export class TwilioStatusController {
  constructor(private readonly inbox: CallbackInbox) {}

  @Post('status')
  @Public("Twilio's status callback: TwilioSignatureGuard checks the X-Twilio-Signature HMAC")
  @HttpCode(204)
  @UseGuards(TwilioSignatureGuard)
  async status(@Req() request: TwilioRequest, @Query('d') deliveryId: string | undefined): Promise<void> {
    if (!deliveryId || !UUID.test(deliveryId)) throw new BadRequestException('the callback URL names no delivery');
    const callback = parseStatusCallback(request.twilioParams ?? {});
    if (!callback) return;
    try {
      await this.inbox.append({
        deliveryId,
        sid: callback.sid,
        status: callback.status,
        errorCode: callback.errorCode,
      });
    } catch {
      throw new ServiceUnavailableException('callback not stored; retry later');
    }
  }
}
