// The sample incident end to end (`npm run demo`, after `npm start` brought the stack up):
// a synthetic operator, the Baltik-style breach in two revisions, the release gate, notices and
// protection, then a summary table in which every affected person is in exactly one bucket.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { AttackVector, BreachReportedSchema, PiiCategory, Region, Severity, Topics } from '@bnp/contracts';
import { keycloakToken } from '@bnp/testing';
import { formatMinutes, operatorDir, parseDemoOptions } from './demo-plan';
import { buckets, pipelineState, settle } from './demo-settle';

const ROOT = join(__dirname, '..');
const EXPOSURE = 'http://127.0.0.1:3002';
const stages: { stage: string; seconds: number }[] = [];

async function stage<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  process.stdout.write(`\n▶ ${name}\n`);
  const result = await work();
  stages.push({ stage: name, seconds: (Date.now() - started) / 1000 });
  return result;
}

/** One progress bar per wait, redrawn in place; stopped (its line kept) when the wait ends. */
function progressBar(label: string): SingleBar {
  return new SingleBar({
    format: `  ${label.padEnd(28)} [{bar}] {value}/{total}`,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    barsize: 30,
    formatValue: (value) => value.toLocaleString('en'),
    hideCursor: false,
    // Piped into a log, the bar is written as a line every 10 s instead of being redrawn.
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
}

async function main(): Promise<void> {
  const values = parseDemoOptions(process.argv.slice(2));
  const subscribers = values.subscribers;
  const deadline = Date.now() + values.timeoutSeconds * 1000;
  const db = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp' });
  await db.connect();
  const dir = operatorDir(ROOT, subscribers);
  if (values.report) {
    const report = values.report;
    const settled = await stage('notices and protection until every affected person is settled', () =>
      waitUntilSettled(db, report, deadline),
    );
    await printSummary(db, report);
    if (!settled) process.exitCode = 1;
    await db.end();
    return;
  }

  await stage(`generate a synthetic operator of ${subscribers.toLocaleString('en')} subscribers`, () => {
    if (existsSync(join(dir, 'holdings.csv'))) return console.log(`  (reusing ${dir})`);
    mkdirSync(dir, { recursive: true });
    run('tools/generate-operator/src/main.ts', ['--subscribers', String(subscribers), '--out', dir, '--seed', '2023']);
  });
  await stage('import the directory and data inventory (encrypted, blind-indexed)', () => {
    for (const kind of ['subscribers', 'assets', 'holdings'])
      run('services/exposure/src/cli/import.ts', [kind, join(dir, `${kind}.csv`), '--quiet']);
  });

  await stage('pause earlier demo incidents that are still sending', () => pauseEarlierIncidents(db));

  const incidentId = `BALTIK-${new Date().toISOString().slice(0, 10)}-${Date.now().toString(36).slice(-4).toUpperCase()}`;
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'demo',
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  const breach = (
    revision: number,
    assets: MessageInitShape<typeof BreachReportedSchema>['compromisedAssets'],
    summary: string,
  ) =>
    producer.send({
      topic: Topics.breachEvents,
      acks: -1,
      messages: [
        {
          key: incidentId,
          value: Buffer.from(
            toBinary(
              BreachReportedSchema,
              create(BreachReportedSchema, {
                eventId: `${incidentId}-r${revision}`,
                incidentId,
                revision,
                reportedAt: timestampFromDate(new Date()),
                detectedAt: timestampFromDate(new Date(Date.now() - 6 * 3600_000)),
                occurredFrom: timestampFromDate(new Date(Date.now() - 9 * 86400_000)),
                occurredTo: timestampFromDate(new Date(Date.now() - 7 * 3600_000)),
                attackVectors: [
                  AttackVector.PHISHING,
                  AttackVector.DDOS,
                  ...(revision > 1 ? [AttackVector.ZERO_DAY_EXPLOIT] : []),
                ],
                severity: Severity.CRITICAL,
                summary,
                jurisdiction: 'PK',
                compromisedAssets: assets,
                reporter: 'demo-soc',
              }),
            ),
          ),
        },
      ],
    });

  // The phished accounts belonged to the southern regional office: they could export Sindh's and
  // Balochistan's customers. The zero-day found later reached billing and call records of the same regions.
  const south = { kind: { case: 'regions' as const, value: { regions: [Region.SINDH, Region.BALOCHISTAN] } } };
  const crm = {
    assetId: 'crm.subscribers',
    categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN, PiiCategory.POSTAL_ADDRESS],
    scope: south,
  };
  await stage(
    'revision 1: CRM records of Sindh and Balochistan taken through phished staff accounts (DDoS as cover)',
    async () => {
      await breach(1, [crm], 'Staff accounts were phished and the CRM was exported while a DDoS hid the traffic.');
      await waitForRevision(db, incidentId, 1, deadline);
      await releaseAtGate(db, incidentId, 1);
    },
  );
  await stage('revision 2 (days later): a zero-day in billing adds payment data and call records', async () => {
    await breach(
      2,
      [
        crm,
        { assetId: 'billing.payment_methods', categories: [], scope: south },
        { assetId: 'cdr.voice_2023q1', categories: [], scope: south },
      ],
      'A zero-day in the billing system exposed payment methods and Q1 2023 call records.',
    );
    await waitForRevision(db, incidentId, 2, deadline);
    await releaseAtGate(db, incidentId, 2);
  });
  await producer.disconnect();

  const settled = await stage('notices and protection until every affected person is settled', () =>
    waitUntilSettled(db, incidentId, deadline),
  );
  await printSummary(db, incidentId);
  if (!settled) process.exitCode = 1;
  await db.end();
}

function run(script: string, args: string[]): void {
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: process.env,
  });
}

async function waitForRevision(db: Client, incidentId: string, revision: number, deadline: number): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ status: string; people: number; events: number }>(
      'SELECT status, people_affected AS people, events FROM exposure.revisions WHERE incident_id = $1 AND revision = $2',
      [incidentId, revision],
    );
    if (rows[0]) {
      console.log(
        `  resolved: ${rows[0].people.toLocaleString('en')} people exposed, ${rows[0].events.toLocaleString('en')} to tell; gate: ${rows[0].status}`,
      );
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `revision ${revision} of ${incidentId} was not resolved in time; saw ${await pipelineState(db, incidentId)}`,
      );
    }
    await sleep(500);
  }
}

/**
 * A demo run that was interrupted leaves its incident sending, and its notices would share the SMS sender's
 * rate with this run's. Each such incident is paused through the admin API (audited, and the notifier and
 * fraud-guard hear it), never deleted; `npm run demo -- --report <incident>` after a resume finishes it.
 */
async function pauseEarlierIncidents(db: Client): Promise<void> {
  const { rows } = await db.query<{ incident_id: string; pending: number }>(
    `SELECT i.incident_id,
            (SELECT count(DISTINCT n.person_id)::int FROM notify.notices n
             WHERE n.incident_id = i.incident_id AND n.outcome = 'pending') AS pending
     FROM exposure.incidents i
     WHERE i.incident_id LIKE 'BALTIK-%' AND NOT i.paused
       AND (EXISTS (SELECT 1 FROM notify.notices n WHERE n.incident_id = i.incident_id AND n.outcome = 'pending')
            OR EXISTS (SELECT 1 FROM exposure.revisions r
                       WHERE r.incident_id = i.incident_id AND r.status = 'RELEASED' AND r.fanned_out_at IS NULL))
     ORDER BY i.incident_id`,
  );
  if (rows.length === 0) return console.log('  (none)');
  const token = await signIn('alice');
  for (const row of rows) {
    const response = await fetch(`${EXPOSURE}/incidents/${row.incident_id}/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'a new demo run started' }),
    });
    if (!response.ok) throw new Error(`pausing ${row.incident_id}: ${response.status} ${await response.text()}`);
    console.log(
      `  paused ${row.incident_id} (${row.pending.toLocaleString('en')} people with notices pending; ` +
        `resume: POST ${EXPOSURE}/incidents/${row.incident_id}/resume)`,
    );
  }
}

/**
 * Signs a local privacy officer in through Keycloak's direct grant with password and TOTP (the demo users'
 * local secrets are in the realm file; docs/identity.md), as the CLI does for a person at the terminal.
 */
async function signIn(username: 'alice' | 'bob'): Promise<string> {
  const { accessToken, claims } = await keycloakToken({ username, totp: true });
  console.log(
    `  ${username} signs in with password and one-time code (acr ${claims.acr}, amr ${claims.amr?.join('+')})`,
  );
  return accessToken;
}

/** Approves as alice and bob, each signed in with a second factor, as two privacy officers would. */
async function releaseAtGate(db: Client, incidentId: string, revision: number): Promise<void> {
  const { rows } = await db.query<{ status: string }>(
    'SELECT status FROM exposure.revisions WHERE incident_id = $1 AND revision = $2',
    [incidentId, revision],
  );
  if (rows[0]?.status !== 'HELD') return;
  for (const name of ['alice', 'bob'] as const) {
    const token = await signIn(name);
    // Each approver names the summary they were shown; if it changed since, the approval is refused (409).
    const shown = await fetch(`${EXPOSURE}/incidents/${incidentId}`, { headers: { authorization: `Bearer ${token}` } });
    if (!shown.ok) throw new Error(`reading ${incidentId}: ${shown.status} ${await shown.text()}`);
    const summaryHash = (
      (await shown.json()) as { revisions: { revision: number; summaryHash: string }[] }
    ).revisions.find((candidate) => candidate.revision === revision)?.summaryHash;
    const response = await fetch(`${EXPOSURE}/incidents/${incidentId}/revisions/${revision}/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ summaryHash }),
    });
    const body = (await response.json()) as { released?: boolean; message?: string };
    console.log(
      `  ${name} approves the release: ${response.status} ${body.released ? '(released)' : (body.message ?? '(one more approval needed)')}`,
    );
  }
}

/** True when every affected person is settled; false, after saying what it saw, at the deadline or a stall. */
async function waitUntilSettled(db: Client, incidentId: string, deadline: number): Promise<boolean> {
  const settled = progressBar('people settled');
  settled.start(0, 0);
  try {
    return await settle(db, incidentId, deadline, settled);
  } finally {
    settled.stop();
  }
}

async function printSummary(db: Client, incidentId: string): Promise<void> {
  const q = async <T extends Record<string, unknown>>(sql: string): Promise<T[]> =>
    (await db.query<T>(sql, [incidentId])).rows;
  const tiers = await q<{ tier: string; people: number; subscriptions: number }>(
    `SELECT CASE tier WHEN 4 THEN 'CRITICAL' WHEN 3 THEN 'HIGH' WHEN 2 THEN 'MEDIUM' ELSE 'LOW' END AS tier, count(*)::int AS people,
            sum(cardinality(subscriber_ids))::int AS subscriptions
     FROM exposure.person_exposures WHERE incident_id = $1 AND status = 'ACTIVE' GROUP BY tier ORDER BY tier DESC`,
  );
  const deliveries = await q<{ channel: string; state: string; count: number }>(
    `SELECT channel, state, count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 GROUP BY 1, 2 ORDER BY 1, 3 DESC`,
  );
  const protection = await q<{ enrollments: number; commands: number; acknowledged: number }>(
    `SELECT (SELECT count(*)::int FROM fraud.enrollments WHERE incident_id = $1) AS enrollments,
            (SELECT count(*)::int FROM fraud.protection_commands WHERE incident_id = $1) AS commands,
            (SELECT count(*)::int FROM fraud.protection_commands WHERE incident_id = $1 AND acknowledged_at IS NOT NULL) AS acknowledged`,
  );
  const deadline = await q<{ deadline: Date | null }>(
    `SELECT max(regulator_deadline_at) AS deadline FROM exposure.revisions WHERE incident_id = $1`,
  );
  const b = await buckets(db, incidentId);

  console.log(`\n━━ Incident ${incidentId} ━━`);
  console.table(tiers.map((row) => ({ tier: row.tier, people: row.people, subscriptions: row.subscriptions })));
  console.log('Notices by channel and status');
  console.table(deliveries);
  console.log('Every affected person, in exactly one bucket');
  console.table([{ ...b, sum: b.notified + b.unreachable + b.deferred + b.paused + b.held + b.inProgress }]);
  console.log('Protection');
  console.table(protection);
  console.log(`Regulator deadline (PTA, 72 h from detection): ${deadline[0]?.deadline?.toISOString() ?? 'n/a'}`);
  console.log('Stage timings');
  console.table(stages.map((row) => ({ stage: row.stage, seconds: Math.round(row.seconds * 10) / 10 })));
  const startedAt = Number(process.env.DEMO_STARTED_AT_MS);
  if (startedAt > 0)
    console.log(`The whole demo, from npm run demo: ${formatMinutes((Date.now() - startedAt) / 1000)}`);
  console.log(
    'Where to look: mail at http://127.0.0.1:1080, SMS at http://127.0.0.1:4010/__admin/messages, incident at ' +
      `${EXPOSURE}/incidents/${incidentId}`,
  );
  console.log(
    'Care console: http://127.0.0.1:3010/  sign in as carol / carol-local-demo (agent) or dave / dave-local-demo ' +
      `(supervisor: incident board for ${incidentId}); search any MSISDN of the generated subscribers.csv`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
