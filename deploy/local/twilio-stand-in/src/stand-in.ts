// Assembles the stand-in: store, per-sender queues, lifecycle, callbacks, faults, persistence and
// the HTTP app. Tests and benchmarks start it in-process with createTwilioStandIn(); main.ts
// starts it from the environment.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { adminRoutes } from './admin-routes';
import { apiRoutes } from './api-routes';
import { CallbackDispatcher } from './callbacks';
import { defaultConfig, type CallbackSettings, type NumberRules, type StandInConfig } from './config';
import { numberBehaviour } from './create-request';
import { Faults, faultPatchSchema, type FaultPatch, type FaultSettings, type FaultMode } from './faults';
import { HungRequests } from './hung-requests';
import { Lifecycle } from './lifecycle';
import { FINAL_STATUSES, type StoredMessage } from './message';
import { StateFile, stateSnapshot } from './persistence';
import { SenderQueues } from './sender-queues';
import { Stats, type SenderThroughput } from './stats';
import { MessageStore } from './store';

export type TwilioStandInOptions = Partial<Omit<StandInConfig, 'numbers' | 'callbacks'>> & {
  numbers?: Partial<NumberRules>;
  callbacks?: Partial<CallbackSettings>;
  /** Default: silent. main.ts passes a real logger. */
  logger?: Logger;
  /** Source of randomness for fault probabilities and out-of-order callbacks. */
  random?: () => number;
};

export interface StandInStats {
  startedAt: string;
  uptimeSeconds: number;
  requests: { create: number; fetch: number; list: number; inFlight: number; concurrencyRejected: number };
  created: number;
  rejectedByCode: Record<string, number>;
  messagesByStatus: Record<string, number>;
  senders: Record<string, SenderThroughput & { queueDepth: number; queuedSegments: number }>;
  callbacks: {
    attempted: number;
    succeeded: number;
    failed: number;
    retried: number;
    lost: number;
    inFlight: number;
    queued: number;
  };
  faults: { active: FaultSettings; injected: Record<FaultMode, number>; hungRequests: number };
}

export interface TwilioStandInAdmin {
  health(): { status: 'ok'; messages: number; uptimeSeconds: number };
  /** Every stored message with body and status history, oldest first; optionally only those to `to`. */
  messages(to?: string): StoredMessage[];
  stats(): StandInStats;
  /** Forgets all messages, queues, pending callbacks, counters and faults. */
  reset(): Promise<void>;
  faults(): { active: FaultSettings; injected: Record<FaultMode, number> };
  setFaults(patch: FaultPatch): void;
  /** Clears every fault and answers requests held by storeThenHang. */
  clearFaults(): void;
  /** Writes the state file now (when persistence is on). */
  flush(): Promise<void>;
}

export interface TwilioStandIn {
  app: Express;
  server: Server;
  /** http://host:port, ready for `client.api.baseUrl`. */
  url: string;
  port: number;
  config: StandInConfig;
  store: MessageStore;
  admin: TwilioStandInAdmin;
  close(): Promise<void>;
}

function mergeConfig(options: TwilioStandInOptions): StandInConfig {
  const d = defaultConfig();
  const { numbers, callbacks, logger: _logger, random: _random, ...rest } = options;
  const merged: StandInConfig = {
    ...d,
    ...rest,
    numbers: { ...d.numbers, ...numbers },
    callbacks: { ...d.callbacks, ...callbacks },
  };
  // Validate programmatic faults like the env and admin paths do.
  faultPatchSchema.parse(merged.faults);
  return merged;
}

export async function createTwilioStandIn(options: TwilioStandInOptions = {}): Promise<TwilioStandIn> {
  const config = mergeConfig(options);
  const logger = options.logger ?? pino({ level: 'silent' });
  const random = options.random ?? Math.random;

  const store = new MessageStore();
  const stats = new Stats();
  const faults = new Faults(config.faults, random);
  const hung = new HungRequests();
  const callbacks = new CallbackDispatcher({
    authToken: config.authToken,
    settings: config.callbacks,
    faults,
    stats,
    logger,
  });
  const queues = new SenderQueues({
    segmentsPerSecond: config.segmentsPerSecond,
    // The queue and the lifecycle need each other; the queue only calls back after both exist.
    onRelease: (sid, _sender, at) => lifecycle.release(sid, at),
  });
  const lifecycle = new Lifecycle({ config, store, queues, callbacks, stats });

  const stateFile = config.stateFile
    ? new StateFile(
        config.stateFile,
        config.stateWriteIntervalMs,
        () => stateSnapshot(config.accountSid, store.all()),
        logger,
      )
    : undefined;
  const previous = stateFile?.load();
  if (previous) {
    if (previous.accountSid !== config.accountSid) {
      throw new Error(
        `${config.stateFile} holds messages of ${previous.accountSid}, not ${config.accountSid}; delete it or set TWILIO_STANDIN_STATE_FILE`,
      );
    }
    store.load(previous.messages);
    for (const m of store.all()) if (!FINAL_STATUSES.has(m.status)) lifecycle.resume(m);
    logger.info({ messages: store.size, file: config.stateFile }, 'restored state');
  }
  if (stateFile) store.onChange(() => stateFile.markDirty());

  const numbers = numberBehaviour(config);
  const api = apiRoutes({ config, numbers, store, lifecycle, faults, stats, hung, random });

  const admin: TwilioStandInAdmin = {
    health: () => ({
      status: 'ok',
      messages: store.size,
      uptimeSeconds: Math.round((Date.now() - stats.startedAt) / 1000),
    }),
    messages: (to) => [...(to === undefined ? store.all() : store.sentTo(to))],
    stats: () => {
      const senders: StandInStats['senders'] = {};
      for (const name of new Set([...stats.senderNames(), ...queues.senders()])) {
        const throughput = stats.sender(name) ?? {
          segmentsSent: 0,
          messagesSent: 0,
          firstSentAt: null,
          lastSentAt: null,
          achievedSegmentsPerSecond: null,
          perSecond: [],
        };
        senders[name] = { ...throughput, queueDepth: queues.depth(name), queuedSegments: queues.queuedSegments(name) };
      }
      return {
        startedAt: new Date(stats.startedAt).toISOString(),
        uptimeSeconds: (Date.now() - stats.startedAt) / 1000,
        requests: {
          ...stats.requests,
          inFlight: api.concurrency.inFlight(),
          concurrencyRejected: stats.concurrencyRejected,
        },
        created: stats.created,
        rejectedByCode: Object.fromEntries(stats.rejected),
        messagesByStatus: store.countsByStatus(),
        senders,
        callbacks: { ...stats.callbacks, inFlight: callbacks.inFlight, queued: callbacks.queued },
        faults: { ...faults.snapshot(), hungRequests: hung.size },
      };
    },
    reset: async () => {
      lifecycle.stop();
      queues.clear();
      callbacks.reset();
      hung.destroyAll();
      faults.clear();
      faults.resetCounters();
      store.clear();
      stats.reset();
      await stateFile?.flush();
    },
    faults: () => faults.snapshot(),
    setFaults: (patch) => {
      faults.apply(patch);
      if (patch.storeThenHang === null) hung.releaseAll();
    },
    clearFaults: () => {
      faults.clear();
      hung.releaseAll();
    },
    flush: async () => {
      await stateFile?.flush();
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(adminRoutes(admin));
  app.use(api.router);

  const server = app.listen(config.port, config.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  logger.info(
    { url, accountSid: config.accountSid, segmentsPerSecond: config.segmentsPerSecond },
    'twilio stand-in listening',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      lifecycle.stop();
      queues.clear();
      callbacks.reset();
      hung.destroyAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await stateFile?.flush();
    })();
    return closing;
  };

  return { app, server, url, port, config, store, admin, close };
}
