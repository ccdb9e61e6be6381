import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { exportJWK, generateKeyPair } from 'jose';
import pino from 'pino';
import { Client } from 'pg';
import request from 'supertest';
import { RegulatorReportFiledSchema, Topics } from '@bnp/contracts';
import { KafkaTestClient, keycloakToken, testEnv, TEST_DATABASE_URL, waitFor } from '@bnp/testing';
import { RegulatorPortal, startPortalServer } from '@bnp/regulator-portal';
import { Registry } from 'prom-client';
import { createRegulatorApiApp } from './app';
import { ClockAlertWorker } from './clock/clock-alert.worker';
import { loadRegulatorApiConfig } from './config';

const HOUR = 3_600_000;
const PK_INCIDENT = `INC-PK-${Date.now()}`;
const EU_INCIDENT = `INC-EU-${Date.now()}`;

async function insertRevision(db: Client, incidentId: string, jurisdiction: string, detectedAt: Date) {
  await db.query(
    `INSERT INTO "exposure"."revisions" ("incident_id", "revision", "revision_id", "status", "dry_run", "people_affected", "events",
       "policy_version", "jurisdiction", "detected_at", "occurred_to", "attack_vectors", "summary", "compute_ms", "released_at")
     VALUES ($1, 1, gen_random_uuid(), 'RELEASED', false, 1200, 1200, 'v1', $2, $3, $3, '{4}', $4, 10, now())`,
    [
      incidentId,
      jurisdiction,
      detectedAt,
      JSON.stringify({
        subscriptionsAffected: 1530,
        peopleByTier: { critical: 100, high: 300, medium: 800 },
        peopleByCategory: { CNIC: 1200, MSISDN: 1200 },
        subscriptionsByRegion: { '1': 1530 },
      }),
    ],
  );
}

describe('regulator-api', () => {
  let app: INestApplication;
  let db: Client;
  let portal: RegulatorPortal;
  let closePortal: () => void;
  let kafka: KafkaTestClient;
  let frank: string;
  let ursula: string;
  let alice: string;
  let carol: string;

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    // Detected 60 hours ago: PK's 72-hour clock is past 80%, EU's NIS2 24-hour early warning is overdue.
    await insertRevision(db, PK_INCIDENT, 'PK', new Date(Date.now() - 60 * HOUR));
    await insertRevision(db, EU_INCIDENT, 'EU', new Date(Date.now() - 60 * HOUR));
    const operatorKey = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    portal = new RegulatorPortal(operatorKey.publicKey);
    const started = await startPortalServer(portal, 0);
    closePortal = () => started.server.close();
    kafka = new KafkaTestClient();
    await kafka.collect([Topics.regulatorReports]);
    const config = loadRegulatorApiConfig(
      testEnv({
        REGULATOR_SIGNING_JWK: JSON.stringify({ ...(await exportJWK(operatorKey.privateKey)), kid: 'operator-test' }),
        REGULATOR_PORTAL_URL: started.url,
        REGULATOR_SUBMIT_RETRY_MS: '50',
        REGULATOR_SUBMIT_POLL_MS: '50',
        REGULATOR_CLOCK_INTERVAL_MS: '600000',
        // Nothing listens here: the log's availability is not what this suite is about.
        TLOG_URL: 'http://127.0.0.1:9/',
        TLOG_CLIENT_SECRET: 'unused-while-nothing-listens',
      }),
    );
    app = await createRegulatorApiApp(config, pino({ level: 'silent' }));
    await app.init();
    [frank, ursula, alice, carol] = await Promise.all([
      keycloakToken({ username: 'frank' }).then((t) => t.accessToken),
      keycloakToken({ username: 'ursula' }).then((t) => t.accessToken),
      keycloakToken({ username: 'alice', totp: true }).then((t) => t.accessToken),
      keycloakToken({ username: 'carol' }).then((t) => t.accessToken),
    ]);
  });

  afterAll(async () => {
    await app?.close();
    closePortal?.();
    await kafka?.close();
    await db?.end();
  });

  const get = (path: string, token?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return token ? call.set('authorization', `Bearer ${token}`) : call;
  };

  it('refuses a caller without a token, and a staff role without incident reads', async () => {
    await get(`/incidents/${PK_INCIDENT}/clocks`).expect(401);
    await get(`/incidents/${PK_INCIDENT}/clocks`, carol).expect(403);
  });

  it('shows frank (PK) the PK incident and only PK incidents; ursula (EU) gets not found for it', async () => {
    const list = await get('/incidents', frank).expect(200);
    const ids = (list.body as { incidents: { incidentId: string; jurisdiction: string }[] }).incidents;
    expect(ids.map((incident) => incident.incidentId)).toContain(PK_INCIDENT);
    expect(ids.every((incident) => incident.jurisdiction === 'PK')).toBe(true);

    await get(`/incidents/${PK_INCIDENT}/clocks`, ursula).expect(404);
    await get(`/incidents/${PK_INCIDENT}/report.pdf`, ursula).expect(404);
    await get(`/incidents/${PK_INCIDENT}/receipts`, ursula).expect(404);
    await get(`/log/incidents/${PK_INCIDENT}/bundle`, ursula).expect(404);
    await get(`/incidents/${EU_INCIDENT}/clocks`, ursula).expect(200);
  });

  it('shows the PTA 72-hour clock past 80% and unfiled', async () => {
    const { body } = await get(`/incidents/${PK_INCIDENT}/clocks`, frank).expect(200);
    const [pta] = (body as { clocks: { obligationId: string; reading: { state: string; crossed: number[] } }[] })
      .clocks;
    expect(pta).toMatchObject({ obligationId: 'pk-pdpb.regulator', reading: { state: 'running', crossed: [50, 80] } });
  });

  it('alerts once per threshold crossed unfiled: PK at 50% and 80%, the EU early warning at 100%', async () => {
    // The worker's first pass runs at start; a restart or another pass must not alert again. It records one
    // incident after the other, so the wait is for the alerts expected, not for a count of rows.
    const expected = [
      `${PK_INCIDENT} pk-pdpb.regulator 50`,
      `${PK_INCIDENT} pk-pdpb.regulator 80`,
      `${EU_INCIDENT} nis2.early-warning 100`,
    ];
    const recorded = async () =>
      (
        await db.query<{ alert: string }>(
          `SELECT "incident_id" || ' ' || "obligation_id" || ' ' || "threshold" AS "alert" FROM "regulator"."clock_alerts"
           WHERE "incident_id" = ANY($1) ORDER BY 1`,
          [[PK_INCIDENT, EU_INCIDENT]],
        )
      ).rows.map((row) => row.alert);
    const alerts = await waitFor(
      async () => {
        const seen = await recorded();
        return expected.every((alert) => seen.includes(alert)) ? seen : undefined;
      },
      'the clock worker to record the PK alerts at 50% and 80% and the EU early warning at 100%',
      { timeoutMs: 15_000, explain: async () => `recorded: ${JSON.stringify(await recorded())}` },
    );
    expect(alerts).not.toContain(`${PK_INCIDENT} pk-pdpb.regulator 100`);
    expect(await app.get(ClockAlertWorker).pass()).toEqual([]);
    const metrics = await app.get(Registry).metrics();
    expect(metrics).toMatch(
      /regulator_deadline_alerts_total\{jurisdiction="PK",obligation="pk-pdpb.regulator",threshold="80",service="regulator-api"\} 1/,
    );
  });

  it('serves the report as a PDF a reader can read, with the figures', async () => {
    const response = await get(`/incidents/${PK_INCIDENT}/report.pdf`, frank)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const file = join(mkdtempSync(join(tmpdir(), 'regulator-api-')), 'report.pdf');
    writeFileSync(file, response.body as Buffer);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(`Initial report: personal data breach ${PK_INCIDENT}`);
    expect(text).toContain('Pakistan Telecommunication Authority');
    expect(text).toContain('About 1,200 people affected.');
    expect(text).toContain('Checkpoint: pending');
  });

  it('lets a regulator read but not file; the operator files and the report is retried until a receipt comes back', async () => {
    await request(app.getHttpServer())
      .post(`/incidents/${PK_INCIDENT}/reports`)
      .set('authorization', `Bearer ${frank}`)
      .expect(403);
    portal.failNext(2);
    const filed = await request(app.getHttpServer())
      .post(`/incidents/${PK_INCIDENT}/reports?kind=initial`)
      .set('authorization', `Bearer ${alice}`)
      .expect(201);
    expect(filed.body).toEqual({
      incidentId: PK_INCIDENT,
      reports: [{ reportId: `${PK_INCIDENT}/1/initial/pta`, created: true }],
    });

    const receipts = await waitFor(
      async () => {
        const { body } = await get(`/incidents/${PK_INCIDENT}/receipts`, frank).expect(200);
        const [report] = (body as { reports: { state: string; attempts: number; receiptId: string | null }[] }).reports;
        return report?.state === 'filed' ? report : undefined;
      },
      'a receipt for the PK report',
      { timeoutMs: 15_000 },
    );
    expect(receipts.attempts).toBe(3);
    expect(receipts.receiptId).toBe(portal.find(`${PK_INCIDENT}/1/initial/pta`)?.receipt.receiptId);

    const event = await waitFor(
      () => kafka.messages(Topics.regulatorReports).find((message) => message.key === PK_INCIDENT),
      'regulator.reports.v1 for the PK incident',
      { timeoutMs: 15_000 },
    );
    const filedEvent = fromBinary(RegulatorReportFiledSchema, event.value!);
    expect(filedEvent).toMatchObject({
      regulatorId: 'pta',
      obligationId: 'pk-pdpb.regulator',
      receiptId: receipts.receiptId,
    });
    expect(timestampDate(filedEvent.filedAt!).getTime()).toBeLessThanOrEqual(Date.now());

    const { body } = await get(`/incidents/${PK_INCIDENT}/clocks`, frank).expect(200);
    expect((body as { clocks: { reading: { state: string } }[] }).clocks[0]?.reading.state).toBe('filed');
  });
});
