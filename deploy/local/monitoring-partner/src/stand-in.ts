// A local stand-in for the monitoring partner's enrollment API, with the failures that matter to a
// client that must never enroll anyone twice: outage (503), latency, and "store then 500" (the
// enrollment is made but the answer says it failed). Tests start it in-process on port 0.
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

export const FAILURE_MODES = ['none', 'outage', 'latency', 'store-then-500'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export interface MonitoringPartnerStandInOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  failureMode?: FailureMode;
  /** How long `latency` holds every API request before answering (ms). */
  latencyMs?: number;
  /** When set, API requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface PartnerEnrollmentRecord {
  id: string;
  reference: string;
  msisdns: string[];
  monitoringStartsAt: string;
  monitoringEndsAt: string;
  status: 'active' | 'cancelled';
  createdAt: string;
  cancelledAt: string | null;
}

export interface StandInStats {
  requests: number;
  enrollRequests: number;
  /** Enroll requests answered from the idempotency store instead of enrolling again. */
  idempotentReplays: number;
  failuresInjected: number;
}

export interface MonitoringPartnerStandIn {
  app: Express;
  server: Server;
  url: string;
  port: number;
  enrollments(): PartnerEnrollmentRecord[];
  stats(): StandInStats;
  setFailureMode(mode: FailureMode, latencyMs?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const enrollSchema = z
  .object({
    reference: z.string().min(1).max(200),
    msisdns: z.array(z.string().regex(/^\+\d{8,15}$/)).max(50),
    monitoringStartsAt: z.string().datetime(),
    monitoringEndsAt: z.string().datetime(),
  })
  .strict();

interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

export async function createMonitoringPartnerStandIn(
  options: MonitoringPartnerStandInOptions = {},
): Promise<MonitoringPartnerStandIn> {
  let failureMode: FailureMode = options.failureMode ?? 'none';
  let latencyMs = options.latencyMs ?? 2000;
  const byId = new Map<string, PartnerEnrollmentRecord>();
  const byReference = new Map<string, string>();
  const idempotency = new Map<string, StoredResponse>();
  const stats: StandInStats = { requests: 0, enrollRequests: 0, idempotentReplays: 0, failuresInjected: 0 };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  // Admin routes are never faulted, so tests can inspect the truth during an outage.
  app.get('/__admin/enrollments', (_req, res) => {
    res.json({ data: [...byId.values()] });
  });
  app.get('/__admin/stats', (_req, res) => {
    res.json({ ...stats, failureMode });
  });
  app.put('/__admin/failure-mode', (req, res) => {
    const parsed = z
      .object({ mode: z.enum(FAILURE_MODES), latencyMs: z.number().int().min(0).max(600_000).optional() })
      .strict()
      .safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_failure_mode', modes: FAILURE_MODES });
      return;
    }
    failureMode = parsed.data.mode;
    latencyMs = parsed.data.latencyMs ?? latencyMs;
    res.json({ failureMode, latencyMs });
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', enrollments: byId.size });
  });

  const api = express.Router();
  api.use(async (req: Request, res: Response, next: NextFunction) => {
    stats.requests += 1;
    if (options.apiKey && req.get('authorization') !== `Bearer ${options.apiKey}`) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    if (failureMode === 'outage') {
      stats.failuresInjected += 1;
      res.status(503).set('retry-after', '30').json({ error: 'service_unavailable' });
      return;
    }
    if (failureMode === 'latency') {
      stats.failuresInjected += 1;
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
    }
    next();
  });

  api.post('/enrollments', (req, res) => {
    stats.enrollRequests += 1;
    const key = req.get('idempotency-key');
    if (!key) {
      res.status(400).json({ error: 'idempotency_key_required' });
      return;
    }
    const requestHash = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .digest('hex');
    const earlier = idempotency.get(key);
    if (earlier) {
      if (earlier.requestHash !== requestHash) {
        res.status(422).json({ error: 'idempotency_key_reused' });
        return;
      }
      stats.idempotentReplays += 1;
      res.status(earlier.status).set('idempotent-replayed', 'true').json(earlier.body);
      return;
    }
    const parsed = enrollSchema.safeParse(req.body);
    if (!parsed.success) {
      res
        .status(400)
        .json({
          error: 'invalid_request',
          fields: [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))],
        });
      return;
    }
    const existingId = byReference.get(parsed.data.reference);
    if (existingId) {
      // Another key, same person: refuse to enroll twice and say which enrollment already exists.
      res.status(409).json({ error: 'reference_exists', ...publicView(byId.get(existingId)!) });
      return;
    }
    const record: PartnerEnrollmentRecord = {
      id: `mp_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      ...parsed.data,
      status: 'active',
      createdAt: new Date().toISOString(),
      cancelledAt: null,
    };
    byId.set(record.id, record);
    byReference.set(record.reference, record.id);
    idempotency.set(key, { requestHash, status: 201, body: publicView(record) });
    if (failureMode === 'store-then-500') {
      stats.failuresInjected += 1;
      res.status(500).json({ error: 'internal_error' });
      return;
    }
    res.status(201).json(publicView(record));
  });

  api.get('/enrollments', (req, res) => {
    const reference = typeof req.query['reference'] === 'string' ? req.query['reference'] : undefined;
    const records = [...byId.values()].filter((record) => reference === undefined || record.reference === reference);
    res.json({ data: records.map(publicView) });
  });

  api.get('/enrollments/:id', (req, res) => {
    const record = byId.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    res.json(publicView(record));
  });

  api.delete('/enrollments/:id', (req, res) => {
    const record = byId.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    if (record.status === 'active') {
      record.status = 'cancelled';
      record.cancelledAt = new Date().toISOString();
    }
    res.json(publicView(record));
  });

  app.use('/v1', api);

  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    app,
    server,
    port,
    url: `http://${host}:${port}`,
    enrollments: () => [...byId.values()].map((record) => ({ ...record, msisdns: [...record.msisdns] })),
    stats: () => ({ ...stats }),
    setFailureMode(mode, newLatencyMs) {
      failureMode = mode;
      if (newLatencyMs !== undefined) latencyMs = newLatencyMs;
    },
    reset() {
      byId.clear();
      byReference.clear();
      idempotency.clear();
      Object.assign(stats, { requests: 0, enrollRequests: 0, idempotentReplays: 0, failuresInjected: 0 });
      failureMode = 'none';
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** What the API shows of an enrollment: numbers appear masked, as a partner's API would. */
function publicView(record: PartnerEnrollmentRecord) {
  return {
    id: record.id,
    reference: record.reference,
    status: record.status,
    msisdnCount: record.msisdns.length,
    monitoringStartsAt: record.monitoringStartsAt,
    monitoringEndsAt: record.monitoringEndsAt,
    createdAt: record.createdAt,
    cancelledAt: record.cancelledAt,
  };
}
