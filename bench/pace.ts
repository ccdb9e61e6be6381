// Pace benchmark (issue 23): a generated operator, a breach released through the gate, and every service
// of `npm start` (breach-intake, exposure, notifier, fraud-guard, with the monitoring partner and the
// operator's BSS stand-ins) until every affected person is settled, against the Twilio stand-in at L
// segments per second and the SMTP sink. The provider's floor is segments / L; `ratio` is how far above
// it the platform finished. Counted at the stand-ins: segments, duplicates, lost.
//   node -r @swc-node/register bench/pace.ts [--subscribers 200000] [--limit 500] [--instances 1] [--quick]
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel } from 'kafkajs';
import type { Client } from 'pg';
import { BreachReportedSchema, PiiCategory, Region, Severity, Topics } from '@bnp/contracts';
import { TEST_PII_KEYS, startGroupAtEnd } from '@bnp/testing';
import { createTwilioStandIn } from '@bnp/twilio-stand-in';
import {
  freePort,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_FROM,
  TEST_LOG_HMAC_KEY,
} from '@bnp/notifier/src/testing/harness';
import { freshBenchDatabase } from './lib/bench-db';
import { StageSampler } from './lib/pace-stages';
import { startProcess, startService, type ServiceProcess } from './lib/processes';
import { measureSmtpCeiling } from './lib/smtp-ceiling';
import { BENCH_RESULTS_DIR } from './lib/bench-env';

const round = (value: number) => Math.round(value * 1000) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SAMPLE_EVERY_MS = 3000;
/** The run stops waiting when nothing moved for this long, and says what it saw. */
const STALL_MS = 5 * 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '200000' },
      limit: { type: 'string', default: '500' },
      instances: { type: 'string', default: '1' },
      quick: { type: 'boolean', default: false },
      'keep-operator': { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '240' },
    },
  });
  const subscribers = values.quick ? 5000 : Number(values.subscribers);
  const limit = values.quick ? 100 : Number(values.limit);
  const instances = Number(values.instances);
  const deadline = Date.now() + Number(values['timeout-minutes']) * 60_000;
  const run = randomUUID().slice(0, 8);
  const keep = values['keep-operator'];
  const { url, db, reused, drop } = await freshBenchDatabase(
    keep ? `bnp_bench_pace_${subscribers}` : 'bnp_bench_pace',
    keep,
  );
  if (reused) await clearEarlierRuns(db);
  else importOperator(url, subscribers);
  console.log(`[pace] operator of ${subscribers} subscribers ready; L = ${limit} segments/s, ${instances} notifier(s)`);

  // The Twilio stand-in with npm start's settings (the limit aside); in this process so its store can be counted.
  const standIn = await createTwilioStandIn({
    host: '127.0.0.1',
    port: 0,
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    stateFile: null,
    segmentsPerSecond: limit,
  });
  const ports = {
    sinkSmtp: await freePort(),
    sinkHttp: await freePort(),
    partner: await freePort(),
    bss: await freePort(),
  };
  const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const stubs: ServiceProcess[] = [
    await startProcess('smtp-sink', 'deploy/local/smtp-sink/src/main.ts', ports.sinkHttp, '/api/health', {
      SMTP_SINK_SMTP_PORT: String(ports.sinkSmtp),
      SMTP_SINK_HTTP_PORT: String(ports.sinkHttp),
      SMTP_SINK_MAX_MESSAGES: '1000',
      LOG_LEVEL: 'warn',
    }),
    await startProcess(
      'monitoring-partner',
      'deploy/local/monitoring-partner/src/main.ts',
      ports.partner,
      '/health',
      {},
    ),
    await startProcess('operator-bss', 'deploy/local/operator-bss/src/main.ts', ports.bss, '/health', {
      KAFKA_BROKERS: kafkaBrokers,
    }),
  ];
  // The sink's own ceiling, before the run, with a plain nodemailer loop: the notifier must be what bounds email.
  const sinkCeiling = await measureSmtpCeiling('127.0.0.1', ports.sinkSmtp, values.quick ? 500 : 3000, 10);
  console.log(`[pace] SMTP sink ceiling: ${sinkCeiling.per_second} mails/s (load ${loadavg()[0]?.toFixed(1)})`);
  const sinkBefore = await sinkStats(ports.sinkHttp);

  const groups = {
    INTAKE_CONSUMER_GROUP: `pace-intake-${run}`,
    EXPOSURE_CONSUMER_GROUP: `pace-exposure-${run}`,
    NOTIFIER_CONSUMER_GROUP: `pace-notifier-${run}`,
    NOTIFIER_LOG_WRITER_GROUP: `pace-notification-log-${run}`,
    FRAUD_CONSUMER_GROUP: `pace-fraud-${run}`,
    FRAUD_CONTROL_CONSUMER_GROUP: `pace-fraud-control-${run}`,
  };
  const kafka = new Kafka({ brokers: kafkaBrokers.split(','), clientId: `pace-${run}`, logLevel: logLevel.NOTHING });
  // Fresh groups start at the end: what earlier runs left on the contract topics is not this run's work.
  for (const group of Object.values(groups)) await startGroupAtEnd(kafka, group, Object.values(Topics));
  const env = {
    DATABASE_URL: url,
    KAFKA_BROKERS: kafkaBrokers,
    LOG_LEVEL: 'warn',
    ...TEST_PII_KEYS,
    ...groups,
    GATE_MAX_PEOPLE_WITHOUT_APPROVAL: String(1_000_000_000),
    MONITORING_PARTNER_URL: `http://127.0.0.1:${ports.partner}`,
    FRAUD_ACTIVATION_CODE_KEY: randomBytes(32).toString('base64'),
  };
  const services: ServiceProcess[] = [
    await startService('breach-intake', await freePort(), env),
    await startService('exposure', await freePort(), env),
    await startService('fraud-guard', await freePort(), env),
  ];
  for (let i = 0; i < instances; i++) {
    const port = await freePort();
    const notifier = await startService('notifier', port, {
      ...env,
      NOTIFIER_LOG_HMAC_KEY: TEST_LOG_HMAC_KEY,
      NOTIFIER_INSTANCE_ID: `pace-${run}-${i}`,
      NOTIFIER_PUBLIC_URL: `http://127.0.0.1:${port}`,
      NOTIFIER_QUIET_HOURS: 'off',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: TEST_FROM,
      TWILIO_API_BASE_URL: standIn.url,
      TWILIO_SEGMENTS_PER_SECOND: String(limit),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(ports.sinkSmtp),
    });
    services.push({ ...notifier, name: instances > 1 ? `notifier-${i}` : 'notifier' });
  }

  const incidentId = `PACE-${run}`;
  try {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: Topics.breachEvents,
      acks: -1,
      messages: [{ key: incidentId, value: Buffer.from(toBinary(BreachReportedSchema, breach(incidentId))) }],
    });
    await producer.disconnect();
    const releasedAt = await waitForRelease(db, incidentId, deadline);
    console.log(`[pace] released at ${new Date(releasedAt).toISOString()}`);
    const sampler = new StageSampler(db, incidentId, releasedAt);
    const { settledAt, people } = await waitUntilSettled(db, incidentId, sampler, deadline);
    const seconds = (settledAt - releasedAt) / 1000;
    // Late callbacks and log entries are not part of "settled", but the counts below should see them.
    await sleep(2000);

    const counted = await countAtStandIns(db, incidentId, standIn.store.all(), ports.sinkHttp, sinkBefore);
    const segments = counted.segments;
    const budgetSeconds = segments / limit;
    const result = {
      benchmark: 'pace',
      variant: values.quick ? 'quick' : 'full',
      subscribers,
      people,
      instances,
      segments,
      sms: counted.sms,
      emails: counted.emails,
      limit_sps: limit,
      seconds: round(seconds),
      budget_seconds: round(budgetSeconds),
      ratio: budgetSeconds > 0 ? round(seconds / budgetSeconds) : null,
      stages: sampler.figures(),
      callback_backlog_peak_age_seconds: sampler.peakCallbackAgeSeconds(),
      duplicates: counted.duplicates,
      lost: counted.lost,
      mismatched: counted.mismatched,
      peak_rss_mb: Object.fromEntries(services.map((service) => [service.name, service.peakRssMb()])),
      cpu_seconds: Object.fromEntries(services.map((service) => [service.name, service.cpuSeconds()])),
      smtp_sink_ceiling: sinkCeiling,
      load_average_1m: sampler.loadAverage(),
      measured_at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    record(result, `${values.quick ? 'quick' : subscribers}-L${limit}-x${instances}`);
  } finally {
    for (const service of [...services, ...stubs]) await service.stop();
    await standIn.close();
    await drop();
  }
}

/**
 * The operator as the demo makes it: tools/generate-operator's CSV files (kept under .cache, as the demo
 * keeps them) imported by the exposure service's import CLI, so contacts are sealed as in production.
 */
function importOperator(databaseUrl: string, subscribers: number): void {
  const root = join(__dirname, '..');
  const dir = join(root, '.cache', 'demo', String(subscribers));
  const node = (script: string, args: string[]) =>
    execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, script), ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl, ...TEST_PII_KEYS },
    });
  if (!existsSync(join(dir, 'holdings.csv'))) {
    mkdirSync(dir, { recursive: true });
    node('tools/generate-operator/src/main.ts', ['--subscribers', String(subscribers), '--out', dir, '--seed', '2023']);
  }
  for (const kind of ['subscribers', 'assets', 'holdings'])
    node('services/exposure/src/cli/import.ts', [kind, join(dir, `${kind}.csv`), '--quiet']);
}

function breach(incidentId: string) {
  // The demo's first revision: CRM records of Sindh and Balochistan (about a quarter of subscribers).
  return create(BreachReportedSchema, {
    eventId: randomUUID(),
    incidentId,
    revision: 1,
    reportedAt: timestampFromDate(new Date()),
    detectedAt: timestampFromDate(new Date(Date.now() - 3600_000)),
    occurredFrom: timestampFromDate(new Date(Date.now() - 9 * 86400_000)),
    occurredTo: timestampFromDate(new Date(Date.now() - 7 * 3600_000)),
    severity: Severity.CRITICAL,
    summary: 'Pace benchmark breach',
    jurisdiction: 'PK',
    compromisedAssets: [
      {
        assetId: 'crm.subscribers',
        categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN, PiiCategory.POSTAL_ADDRESS],
        scope: { kind: { case: 'regions', value: { regions: [Region.SINDH, Region.BALOCHISTAN] } } },
      },
    ],
  });
}

async function waitForRelease(db: Client, incidentId: string, deadline: number): Promise<number> {
  const until = Math.min(deadline, Date.now() + 30 * 60_000);
  let seen = 'no revision yet';
  while (Date.now() < until) {
    const { rows } = await db.query<{ status: string; released_at: Date | null }>(
      'SELECT status, released_at FROM exposure.revisions WHERE incident_id = $1 AND revision = 1',
      [incidentId],
    );
    if (rows[0]?.released_at) return rows[0].released_at.getTime();
    if (rows[0]) seen = `revision 1 ${rows[0].status}`;
    await sleep(500);
  }
  throw new Error(`the breach was not released in time; last seen: ${seen}`);
}

/** Every person the revision told (one exposure.v1 each) with a notice and none pending (notified or unreachable; quiet hours are off). */
async function waitUntilSettled(
  db: Client,
  incidentId: string,
  sampler: StageSampler,
  deadline: number,
): Promise<{ settledAt: number; people: number }> {
  let last = '';
  let changedAt = Date.now();
  for (;;) {
    const reading = await sampler.sample();
    // Cheap on purpose (it runs every few seconds beside the run): people told = the revision's events.
    const { rows } = await db.query<{ affected: number; settled: number }>(
      `SELECT (SELECT events FROM exposure.revisions WHERE incident_id = $1 AND revision = 1) AS affected,
              (SELECT count(*)::int FROM (SELECT 1 FROM notify.notices WHERE incident_id = $1 AND kind = 'notice'
                GROUP BY person_id HAVING NOT bool_or(outcome = 'pending')) s) AS settled`,
      [incidentId],
    );
    const { affected = 0, settled = 0 } = rows[0] ?? {};
    const published = await db.query<{ done: boolean }>(
      'SELECT fanned_out_at IS NOT NULL AS done FROM exposure.revisions WHERE incident_id = $1 AND revision = 1',
      [incidentId],
    );
    const now = `${settled}/${affected} ${JSON.stringify(reading.counts)}`;
    console.log(`[pace] settled ${now} backlog ${JSON.stringify(reading.backlogs)} load ${reading.load1.toFixed(1)}`);
    if (published.rows[0]?.done && affected > 0 && settled === affected)
      return { settledAt: Date.now(), people: affected };
    if (now !== last) {
      last = now;
      changedAt = Date.now();
    }
    if (Date.now() - changedAt > STALL_MS || Date.now() > deadline)
      throw new Error(`stopped waiting (${Date.now() > deadline ? 'deadline' : 'stalled'}); last seen: ${now}`);
    await sleep(SAMPLE_EVERY_MS);
  }
}

interface StandInMessage {
  sid: string;
  to: string;
  body: string;
  segments: number;
  status: string;
}

/**
 * Duplicates: a second message at the stand-in for one notice (its reference code) and number, or a mail
 * whose Message-ID the sink had already received. Lost: an SMS the notifier holds as accepted or final
 * whose SID the stand-in never created, or an email it holds as sent the sink never received. Mismatched:
 * a final SMS status at the stand-in that the notifier's row does not match.
 */
async function countAtStandIns(
  db: Client,
  incidentId: string,
  messages: readonly StandInMessage[],
  sinkHttpPort: number,
  sinkBefore: { received: number; repeatedMessageIds: number },
) {
  const perNotice = new Map<string, number>();
  const bySid = new Map<string, StandInMessage>();
  let segments = 0;
  for (const message of messages) {
    const reference = /Ref ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(message.body)?.[1] ?? message.sid;
    const key = `${message.to} ${reference}`;
    perNotice.set(key, (perNotice.get(key) ?? 0) + 1);
    bySid.set(message.sid, message);
    segments += message.segments;
  }
  const smsDuplicates = [...perNotice.values()].reduce((sum, count) => sum + count - 1, 0);
  const { rows } = await db.query<{ channel: string; state: string; provider_ref: string | null }>(
    `SELECT channel, state, provider_ref FROM notify.deliveries WHERE incident_id = $1`,
    [incidentId],
  );
  let smsLost = 0;
  let mismatched = 0;
  let emailsSent = 0;
  for (const row of rows) {
    if (row.channel === 'email') {
      if (row.state === 'sent') emailsSent += 1;
      continue;
    }
    if (!row.provider_ref) continue;
    const message = bySid.get(row.provider_ref);
    if (!message) smsLost += 1;
    else if (['delivered', 'undelivered', 'failed'].includes(message.status) && message.status !== row.state)
      mismatched += 1;
  }
  const sink = await sinkStats(sinkHttpPort);
  const received = sink.received - sinkBefore.received;
  const emailDuplicates = sink.repeatedMessageIds - sinkBefore.repeatedMessageIds;
  return {
    segments,
    sms: messages.length,
    emails: received,
    duplicates: { sms: smsDuplicates, email: emailDuplicates },
    lost: { sms: smsLost, email: Math.max(0, emailsSent - (received - emailDuplicates)) },
    mismatched,
  };
}

async function sinkStats(port: number): Promise<{ received: number; repeatedMessageIds: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/api/stats`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as { received: number; repeatedMessageIds: number };
}

/** Keeps one result per size, limit and instance count in bench/results/pace.json. */
function record(result: object, key: string): void {
  const dir = BENCH_RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'pace.json');
  const runs = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { runs: Record<string, object> }).runs
    : {};
  runs[key] = result;
  writeFileSync(file, `${JSON.stringify({ benchmark: 'pace', runs }, null, 2)}\n`);
}

/** What earlier runs computed and sent goes (but the append-only notification log); the directory and inventory stay. */
async function clearEarlierRuns(db: Client): Promise<void> {
  await db.query(
    `TRUNCATE exposure.person_exposures, exposure.exposure_events, exposure.revisions, exposure.release_approvals,
       exposure.incidents, exposure.resolution_jobs, exposure.outbox`,
  );
  const { rows } = await db.query<{ schema: string; name: string }>(
    `SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname IN ('notify', 'fraud')
     AND tablename NOT IN ('send_budget', 'migrations', 'notification_log')`,
  );
  for (const { schema, name } of rows) await db.query(`TRUNCATE "${schema}"."${name}" CASCADE`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
