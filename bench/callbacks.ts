// Status-callback micro-benchmark: N SMS deliveries already accepted (seeded in SQL), then Twilio's two
// callbacks per message (sent, delivered), signed, posted to the notifier (its own process) by 64
// concurrent clients. Measures how fast callbacks are acknowledged and how fast they are applied (every
// delivery `delivered`). Writes bench/results/callbacks.json.
//   node -r @swc-node/register bench/callbacks.ts [--deliveries 20000] [--clients 64]
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { TEST_PII_KEYS } from '@bnp/testing';
import { createSmtpSink } from '@bnp/smtp-sink';
import { createTwilioStandIn } from '@bnp/twilio-stand-in';
import {
  freePort,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_FROM,
  TEST_LOG_HMAC_KEY,
} from '@bnp/notifier/src/testing/harness';
import { freshBenchDatabase } from './lib/bench-db';
import { startService } from './lib/processes';
import { BENCH_RESULTS_DIR } from './lib/bench-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(agent: Agent, base: string, path: string, form: Record<string, string>): Promise<number> {
  const body = new URLSearchParams(form).toString();
  const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${base}${path}`, form);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-twilio-signature': signature,
        },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('callback timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { deliveries: { type: 'string', default: '20000' }, clients: { type: 'string', default: '64' } },
  });
  const deliveries = Number(values.deliveries);
  const clients = Number(values.clients);
  const run = randomUUID().slice(0, 8);
  const { url, db, drop } = await freshBenchDatabase('bnp_bench_callbacks');
  const standIn = await createTwilioStandIn({
    host: '127.0.0.1',
    port: 0,
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    stateFile: null,
  });
  const sink = await createSmtpSink({ smtpPort: 0, httpPort: 0, maxMessages: 100 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const notifier = await startService('notifier', port, {
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '30',
    LOG_LEVEL: 'warn',
    ...TEST_PII_KEYS,
    NOTIFIER_LOG_HMAC_KEY: TEST_LOG_HMAC_KEY,
    NOTIFIER_INSTANCE_ID: `bench-${run}`,
    NOTIFIER_CONSUMER_GROUP: `bench-notifier-${run}`,
    NOTIFIER_LOG_WRITER_GROUP: `bench-notification-log-${run}`,
    NOTIFIER_TOPIC_PREFIX: `bench-${run}.`,
    NOTIFIER_PUBLIC_URL: base,
    NOTIFIER_QUIET_HOURS: 'off',
    NOTIFIER_STATUS_POLL_AFTER_MS: '3600000',
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_FROM: TEST_FROM,
    TWILIO_API_BASE_URL: standIn.url,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.smtpPort),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  try {
    // Accepted SMS, as if the notifier had just sent them (one notice, one delivery per person).
    await db.query(
      `INSERT INTO notify.notices (notice_id, kind, idempotency_key, exposure_id, incident_id, person_id, revision, change, tier,
         language, categories, new_categories, actions, channels, attack_vectors, msisdns_masked, jurisdiction, policy_version,
         policy_rule, dry_run, notice_already_sent, reference_code, state, outcome, needs_enrollment)
       SELECT md5('n' || i)::uuid, 'notice', 'k' || i, 'e' || i, 'INC-CB', 'P' || i, 1, 'new', 2, 'en', '{1}', '{1}', '{}', '{1}', '{}',
         '{}', 'PK', 'v1', 'r', false, false, 'REF' || i, 'queued', 'pending', false
       FROM generate_series(1, $1) AS i`,
      [deliveries],
    );
    await db.query(
      `INSERT INTO notify.deliveries (delivery_id, notice_id, incident_id, person_id, channel, recipient_key, recipient_ciphertext,
         recipient_masked, priority, state, marker, provider_ref, accepted_at, last_status_at)
       SELECT md5('d' || i)::uuid, md5('n' || i)::uuid, 'INC-CB', 'P' || i, 'sms', 'rk' || i, '\\x00', '***', 3, 'accepted', 'REF' || i,
         'SM' || md5('s' || i), now(), now()
       FROM generate_series(1, $1) AS i`,
      [deliveries],
    );
    const { rows } = await db.query<{ id: string; sid: string }>(
      `SELECT delivery_id AS id, provider_ref AS sid FROM notify.deliveries WHERE incident_id = 'INC-CB'`,
    );
    const jobs = rows.flatMap(({ id, sid }) => [
      { id, form: { MessageSid: sid, MessageStatus: 'sent', SmsStatus: 'sent', To: '+923001234567' } },
      { id, form: { MessageSid: sid, MessageStatus: 'delivered', SmsStatus: 'delivered', To: '+923001234567' } },
    ]);
    const answers = new Map<number, number>();
    const cpuAtStart = notifier.cpuSeconds();
    const started = Date.now();
    let next = 0;
    let acknowledgedAt = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const status = await post(agent, base, `/twilio/status?d=${job.id}`, job.form);
        answers.set(status, (answers.get(status) ?? 0) + 1);
      }
    };
    const intake = Promise.all(Array.from({ length: clients }, worker)).then(() => (acknowledgedAt = Date.now()));
    const deadline = Date.now() + 30 * 60_000;
    let delivered = 0;
    for (;;) {
      const { rows: count } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notify.deliveries WHERE incident_id = 'INC-CB' AND state = 'delivered'`,
      );
      delivered = count[0]?.n ?? 0;
      if (delivered === deliveries && acknowledgedAt > 0) break;
      if (Date.now() > deadline)
        throw new Error(`timed out: ${delivered} of ${deliveries} delivered, answers ${JSON.stringify([...answers])}`);
      await sleep(100);
    }
    const appliedAt = Date.now();
    await intake;
    const result = {
      deliveries,
      callbacks: jobs.length,
      clients,
      answers: Object.fromEntries(answers),
      acknowledged_per_second: Math.round(jobs.length / ((acknowledgedAt - started) / 1000)),
      applied_per_second: Math.round(jobs.length / ((appliedAt - started) / 1000)),
      seconds: (appliedAt - started) / 1000,
      notifier_cpu_seconds: Math.round((notifier.cpuSeconds() - cpuAtStart) * 100) / 100,
      // On a shared, loaded machine the wall-clock rate is mostly the CPU share the notifier got; this is not.
      applied_per_notifier_cpu_second: Math.round(jobs.length / (notifier.cpuSeconds() - cpuAtStart)),
      notifier_peak_rss_mb: notifier.peakRssMb(),
      load_average: loadavg().map((value) => Math.round(value * 100) / 100),
      measured_at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = BENCH_RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, process.env.BENCH_RESULT_NAME ?? 'callbacks.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    agent.destroy();
    await notifier.stop();
    await standIn.close();
    await sink.close();
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
