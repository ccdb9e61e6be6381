import { ForbiddenException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { TwilioSmsProvider } from './twilio-sms.provider';

export type TwilioRequest = Request & { rawBody?: Buffer; twilioParams?: Record<string, string | string[]> };

/** Form parameters exactly as posted (repeated keys kept), which is what Twilio signed. */
export function parseForm(raw: Buffer | undefined): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw?.toString('utf8') ?? '')) {
    const existing = params[key];
    params[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

/**
 * Lets a request through only if X-Twilio-Signature matches the public URL it was sent to and its
 * parameters under our auth token. Unsigned and forged callbacks get 403.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(
    private readonly twilio: TwilioSmsProvider,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TwilioRequest>();
    const params = parseForm(request.rawBody);
    const signature = request.header('x-twilio-signature');
    // Behind a proxy the URL Twilio called differs from the one we see: rebuild it from the public base.
    const url = `${this.config.publicUrl}${request.originalUrl}`;
    if (!this.twilio.isSignedByTwilio(signature, url, params))
      throw new ForbiddenException('missing or invalid X-Twilio-Signature');
    request.twilioParams = params;
    return true;
  }
}
