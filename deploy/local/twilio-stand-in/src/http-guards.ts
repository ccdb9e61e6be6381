// Request guards in front of the Messages API: Twilio's REST concurrency cap (20429) and HTTP Basic
// auth with the account SID and auth token (20003).
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { apiErrors, type TwilioApiError } from './errors';
import type { Stats } from './stats';

export function sendError(res: Response, error: TwilioApiError, stats?: Stats): void {
  stats?.reject(error.code);
  res.status(error.status).json(error.toBody());
}

export interface ConcurrencyGuard {
  handler: RequestHandler;
  inFlight: () => number;
}

/** Counts requests from arrival until their response ends or the connection closes. */
export function concurrencyGuard(max: number, stats: Stats): ConcurrencyGuard {
  let inFlight = 0;
  const handler = (_req: Request, res: Response, next: NextFunction): void => {
    if (inFlight >= max) {
      stats.concurrencyRejected += 1;
      res.setHeader('Twilio-Concurrent-Requests', String(inFlight));
      return sendError(res, apiErrors.tooManyRequests(), stats);
    }
    inFlight += 1;
    res.setHeader('Twilio-Concurrent-Requests', String(inFlight));
    res.once('close', () => {
      inFlight -= 1;
    });
    next();
  };
  return { handler, inFlight: () => inFlight };
}

export function basicAuth(accountSid: string, authToken: string, stats: Stats): RequestHandler {
  const expected = Buffer.from(`Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`);
  return (req: Request<{ accountSid?: string }>, res: Response, next: NextFunction): void => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    // Credentials for one account cannot reach another account's resources.
    if (!valid || (req.params.accountSid !== undefined && req.params.accountSid !== accountSid)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      return sendError(res, apiErrors.authenticate(), stats);
    }
    next();
  };
}
