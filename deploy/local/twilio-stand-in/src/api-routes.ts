// The Messages API: create, fetch and list, behind concurrency and auth guards, with faults applied.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { StandInConfig } from './config';
import { parseCreate, type Form, type NumberBehaviour } from './create-request';
import { apiErrors, TwilioApiError } from './errors';
import type { Faults } from './faults';
import { basicAuth, concurrencyGuard, sendError, type ConcurrencyGuard } from './http-guards';
import type { HungRequests } from './hung-requests';
import type { Lifecycle } from './lifecycle';
import { toResource } from './message';
import { listEnvelope, parseListQuery } from './list-query';
import type { Stats } from './stats';
import type { MessageStore } from './store';

export interface ApiDeps {
  config: StandInConfig;
  numbers: NumberBehaviour;
  store: MessageStore;
  lifecycle: Lifecycle;
  faults: Faults;
  stats: Stats;
  hung: HungRequests;
  random: () => number;
}

type MessageParams = { accountSid: string; sid: string };

export function apiRoutes(deps: ApiDeps): { router: Router; concurrency: ConcurrencyGuard } {
  const { config, store, faults, stats } = deps;
  const router = express.Router();
  const concurrency = concurrencyGuard(config.maxConcurrency, stats);
  const auth = basicAuth(config.accountSid, config.authToken, stats);
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

  /** Faults that hit any API call. Returns true when the response has been sent. */
  async function commonFaults(res: Response): Promise<boolean> {
    const latency = faults.fire('latency');
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency.ms));
    if (faults.fire('error500')) {
      sendError(res, apiErrors.internal(), stats);
      return true;
    }
    return false;
  }

  const base = '/2010-04-01/Accounts/:accountSid';

  router.post(`${base}/Messages.json`, concurrency.handler, auth, form, async (req: Request, res: Response) => {
    stats.requests.create += 1;
    if (await commonFaults(res)) return;
    if (faults.fire('burst429')) return sendError(res, apiErrors.tooManyRequests(), stats);
    const data = parseCreate((req.body ?? {}) as Form, config, deps.numbers, deps.random, Date.now());
    if (data.senderAssigned && deps.lifecycle.wouldOverflow(data.sender, data.segments)) throw apiErrors.queueFull();
    const message = store.add(data);
    stats.created += 1;
    deps.lifecycle.admit(message);
    // The three faults below leave a stored, sending message behind an answer that looks like failure.
    if (faults.fire('storeThenHang')) return deps.hung.hold(res, message);
    if (faults.fire('storeThenDestroy')) return void req.socket.destroy();
    if (faults.fire('storeThen500')) return sendError(res, apiErrors.internal(), stats);
    res.status(201).json(toResource(message));
  });

  router.get(`${base}/Messages.json`, concurrency.handler, auth, async (req: Request, res: Response) => {
    stats.requests.list += 1;
    if (await commonFaults(res)) return;
    const parsed = parseListQuery(req.query);
    const lag = faults.fire('listLag');
    if (lag) parsed.query.createdUpTo = Date.now() - lag.ms;
    res.json(listEnvelope(config.accountSid, parsed, store.list(parsed.query), toResource));
  });

  router.get(
    `${base}/Messages/:sid.json`,
    concurrency.handler,
    auth,
    async (req: Request<MessageParams>, res: Response) => {
      stats.requests.fetch += 1;
      if (await commonFaults(res)) return;
      const message = store.get(req.params.sid);
      if (!message) throw apiErrors.notFound(req.path);
      res.json(toResource(message));
    },
  );

  // Anything else under the API prefix: Twilio answers 20404 (after auth).
  router.all('/2010-04-01/*rest', concurrency.handler, (req: Request, res: Response) =>
    sendError(res, apiErrors.notFound(req.path), stats),
  );

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof TwilioApiError) return sendError(res, error, stats);
    const status = (error as { status?: unknown }).status;
    // body-parser errors (malformed or oversized form) carry an HTTP status.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, new TwilioApiError(status, 20001, 'Invalid request body'), stats);
    }
    return sendError(res, apiErrors.internal(), stats);
  });

  return { router, concurrency };
}
