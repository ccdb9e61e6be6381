// The authorisation matrix: every HTTP route of every service, as its router lists it, called by every
// persona (real Keycloak tokens for each role, and tokens that must never get in); each status must be the
// one the hand-written table (expected-statuses.ts) says. Needs Keycloak (scripts/keycloak.sh), PostgreSQL
// and Kafka, like the other integration specs.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client } from 'pg';
import { systemClock } from '@bnp/auth';
import { TEST_DATABASE_URL, waitFor } from '@bnp/testing';
import { EXPECTED, PERSONAS, type Persona } from './expected-statuses';
import { exposureGateClock, routesOf, startServices, type RunningService } from './matrix-apps';
import { expiryOf, personaTokens, type PersonaTokens } from './personas';

const INCIDENT = `INC-MATRIX-${randomUUID().slice(0, 8)}`;
const ENROLLMENT = randomUUID(); // no such enrollment: care staff reach "not found", nobody else gets that far
const ELEVEN_MINUTES_MS = 11 * 60_000;

describe('authorisation matrix', () => {
  let services: RunningService[];
  let tokens: PersonaTokens;
  let db: Client;
  let summaryHash: string;

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await seedIncident(db);
    services = await startServices();
    // The log's publisher signs the empty tree at start when the log has no checkpoint: then /checkpoint is 200.
    await waitFor(
      async () => ((await db.query(`SELECT 1 FROM "tlog"."checkpoints" LIMIT 1`)).rowCount ?? 0) > 0,
      'a checkpoint of the transparency log',
    );
    tokens = await personaTokens();
    const exposure = services.find((service) => service.name === 'exposure')!.app;
    const incident = await request(exposure.getHttpServer())
      .get(`/incidents/${INCIDENT}`)
      .set('Authorization', `Bearer ${tokens.auditor}`)
      .expect(200);
    summaryHash = (incident.body as { revisions: { summaryHash: string }[] }).revisions[0]!.summaryHash;
  }, 240_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    for (const service of services ?? []) await service.app.close();
    await db?.end();
  });

  const routeKeys = () => services.flatMap((service) => routesOf(service.app).map((route) => ({ service, ...route })));

  it('has an expected status for every route the services serve, and no entry for a route they do not', () => {
    const served = routeKeys().map((route) => `${route.service.name} ${route.method} ${route.path}`);
    expect([...served].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers every route, for every persona, with the status of the table', async () => {
    const mismatches: string[] = [];
    for (const route of routeKeys()) {
      const key = `${route.service.name} ${route.method} ${route.path}`;
      const expected = EXPECTED[key];
      if (!expected) continue; // the test above names it
      for (const persona of PERSONAS) {
        const status = await call(route.service, route.method, route.path, persona);
        if (status !== expected[persona])
          mismatches.push(`${key} as ${persona}: ${status}, expected ${expected[persona]}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);

  it('recorded both approvals with subject, display name and the summary shown, and released', async () => {
    const exposure = services.find((service) => service.name === 'exposure')!.app;
    const incident = await request(exposure.getHttpServer())
      .get(`/incidents/${INCIDENT}`)
      .set('Authorization', `Bearer ${tokens.auditor}`)
      .expect(200);
    const [revision] = (incident.body as { revisions: { status: string; approvals: Record<string, string>[] }[] })
      .revisions;
    expect(revision!.status).toBe('RELEASED');
    expect(revision!.approvals.map((approval) => [approval.displayName, approval.summaryHash])).toEqual([
      ['Alice Privacy', summaryHash],
      [expect.stringMatching(/^Bob/), summaryHash],
    ]);
    const { rows } = await db.query<{ outcome: string; n: number }>(
      `SELECT "outcome", count(*)::int AS n FROM "exposure"."access_log"
       WHERE "route" LIKE 'POST %/approvals' AND "target_ids"->>'incidentId' = $1 GROUP BY "outcome" ORDER BY "outcome"`,
      [INCIDENT],
    );
    // Allowed: alice and bob. Denied: 7 roles without the permission (the guard) + password-only + aged + service.
    expect(rows).toEqual([
      { outcome: 'ALLOWED', n: 2 },
      { outcome: 'DENIED', n: 9 },
    ]);
  });

  /** One call as one persona; "expired" and "signed in 11 minutes ago" move a clock for that call only. */
  async function call(service: RunningService, method: string, path: string, persona: Persona): Promise<number> {
    const url = path.replace(':incidentId', INCIDENT).replace(':revision', '1').replace(':id', ENROLLMENT);
    const restore: jest.SpyInstance[] = [];
    const token = tokens[persona];
    if (persona === 'expired') {
      const later = new Date((expiryOf(token!) + 31) * 1000); // past exp and the 30 s of clock skew
      restore.push(jest.spyOn(systemClock, 'now').mockImplementation(() => later));
    }
    if (persona === 'privacy-officer-signed-in-11-minutes-ago') {
      const gateClock = exposureGateClock();
      const later = new Date(Date.now() + ELEVEN_MINUTES_MS);
      restore.push(jest.spyOn(gateClock, 'now').mockImplementation(() => later));
    }
    try {
      const server = request(service.app.getHttpServer());
      const pending = method === 'GET' ? server.get(url) : server.post(url).send(bodyFor(path));
      pending.set('X-Access-Reason', 'authorisation matrix');
      if (token) pending.set('Authorization', `Bearer ${token}`);
      return (await pending).status;
    } finally {
      for (const spy of restore) spy.mockRestore();
    }
  }

  function bodyFor(path: string): object {
    if (path.endsWith('/approvals')) return { summaryHash };
    if (path.endsWith('/pause') || path.endsWith('/resume')) return { reason: 'authorisation matrix' };
    return {};
  }
});

/** One incident in jurisdiction PK, known to intake, with revision 1 held at exposure's gate. */
async function seedIncident(db: Client): Promise<void> {
  const revisionId = randomUUID();
  await db.query(
    `INSERT INTO "intake"."incidents" ("incident_id", "current_revision", "current_revision_id", "jurisdiction", "detected_at")
     VALUES ($1, 1, $2, 'PK', now())`,
    [INCIDENT, revisionId],
  );
  await db.query(`INSERT INTO "exposure"."incidents" ("incident_id", "current_revision") VALUES ($1, 1)`, [INCIDENT]);
  await db.query(
    `INSERT INTO "exposure"."revisions" ("incident_id", "revision", "revision_id", "status", "held_reason", "dry_run",
       "people_affected", "events", "policy_version", "jurisdiction", "detected_at", "occurred_to", "attack_vectors",
       "summary", "compute_ms")
     VALUES ($1, 1, $2, 'HELD', 'more people than the policy releases without approval', false, 1200, 1300, 'matrix',
       'PK', now(), now(), '{}', '{"peopleByTier": {"HIGH": 200, "LOW": 1000}}', 5)`,
    [INCIDENT, revisionId],
  );
}
