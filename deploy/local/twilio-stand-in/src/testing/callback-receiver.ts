// A local HTTP endpoint that plays the notifier's StatusCallback URL and records what arrives.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface ReceivedCallback {
  url: string;
  signature: string | undefined;
  idempotencyToken: string | undefined;
  params: Record<string, string>;
  receivedAt: number;
}

export interface CallbackReceiver {
  /** Full StatusCallback URL, e.g. http://127.0.0.1:PORT/twilio/status?tenant=jazz */
  url: (path?: string) => string;
  received: ReceivedCallback[];
  /** Status code for the next N callbacks (then 204 again). */
  failNext: (count: number, status?: number) => void;
  waitFor: (predicate: (all: ReceivedCallback[]) => boolean, timeoutMs?: number) => Promise<ReceivedCallback[]>;
  close: () => Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let failures = 0;
  let failureStatus = 500;
  const app = express();
  app.post('/*path', express.urlencoded({ extended: false }), (req, res) => {
    received.push({
      url: `${base}${req.originalUrl}`,
      signature: req.header('x-twilio-signature'),
      idempotencyToken: req.header('i-twilio-idempotency-token'),
      params: req.body as Record<string, string>,
      receivedAt: Date.now(),
    });
    if (failures > 0) {
      failures -= 1;
      res.status(failureStatus).end();
    } else {
      res.status(204).end();
    }
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: (path = '/twilio/status') => `${base}${path}`,
    received,
    failNext: (count, status = 500) => {
      failures = count;
      failureStatus = status;
    },
    waitFor: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`callbacks not as expected after ${timeoutMs} ms: ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
