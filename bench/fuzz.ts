// Fuzz run: seeded bad inputs at breach-intake's topic, the inventory-changes topic (read by exposure) and the
// notifier's Twilio status callback, each service its own process. Every input must be rejected with a reason
// (Kafka: on the group's dead-letter topic with its bnp-error-reason header; HTTP: a 4xx with a message), and no
// service may exit or log an unhandled rejection. Writes bench/results/fuzz.json.
//   node -r @swc-node/register bench/fuzz.ts [--seed 1] [--intake 4000] [--inventory 3000] [--callbacks 3000]
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { Topics } from '@bnp/contracts';
import { DeadLetterRedriver } from '@bnp/messaging';
import { TEST_PII_KEYS, startGroupAtEnd } from '@bnp/testing';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, TEST_LOG_HMAC_KEY } from '@bnp/notifier/src/testing/harness';
import { freshBenchDatabase } from './lib/bench-db';
import { BENCH_RESULTS_DIR, benchKafka } from './lib/bench-env';
import {
  badBreachEvent,
  badCallback,
  badInventoryChange,
  conflictingRevisions,
  seededRandom,
  type KafkaInput,
} from './lib/fuzz-inputs';
import { freePort, startService, type ServiceProcess } from './lib/processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  tried: number;
  rejected_with_reason: number;
  not_rejected: Record<string, number>;
  reasons: Record<string, number>;
}
const target = (): Target => ({ tried: 0, rejected_with_reason: 0, not_rejected: {}, reasons: {} });
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      intake: { type: 'string', default: '4000' },
      inventory: { type: 'string', default: '3000' },
      callbacks: { type: 'string', default: '3000' },
    },
  });
  const seed = Number(values.seed);
  const random = seededRandom(seed);
  const run = randomUUID().slice(0, 8);
  const logDir = join('/tmp', `bnp-fuzz-${run}`);
  process.env.BENCH_SERVICE_LOG_DIR = logDir;
  const { url, db, drop } = await freshBenchDatabase('fuzz');
  const kafka = benchKafka('fuzz');
  const intakeGroup = `fuzz-intake-${run}`;
  const exposureGroup = `fuzz-exposure-${run}`;
  await startGroupAtEnd(kafka, intakeGroup, [Topics.breachEvents]);
  await startGroupAtEnd(kafka, exposureGroup, [Topics.incidentRevisions, Topics.inventoryChanges]);
  const env = {
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
    ...TEST_PII_KEYS,
    INTAKE_CONSUMER_GROUP: intakeGroup,
    EXPOSURE_CONSUMER_GROUP: exposureGroup,
  };
  const notifierPort = await freePort();
  const base = `http://127.0.0.1:${notifierPort}`;
  const services: ServiceProcess[] = [];
  const started = Date.now();
  const targets = { intake: target(), inventory: target(), callbacks: target() };
  try {
    services.push(await startService('breach-intake', 0, env));
    services.push(await startService('exposure', 0, env));
    services.push(
      await startService('notifier', notifierPort, {
        DATABASE_URL: url,
        LOG_LEVEL: 'warn',
        ...TEST_PII_KEYS,
        NOTIFIER_LOG_HMAC_KEY: TEST_LOG_HMAC_KEY,
        NOTIFIER_INSTANCE_ID: `fuzz-${run}`,
        NOTIFIER_CONSUMER_GROUP: `fuzz-notifier-${run}`,
        NOTIFIER_LOG_WRITER_GROUP: `fuzz-notification-log-${run}`,
        NOTIFIER_TOPIC_PREFIX: `fuzz-${run}.`,
        NOTIFIER_PUBLIC_URL: base,
        NOTIFIER_QUIET_HOURS: 'off',
        NOTIFIER_STATUS_POLL_AFTER_MS: '3600000',
        TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
        TWILIO_FROM: TEST_FROM,
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: '9',
      }),
    );

    // Kafka: the bad inputs, then the conflicting revisions after their accepted first revision.
    const producer = kafka.producer();
    await producer.connect();
    const send = async (topic: string, inputs: KafkaInput[]) => {
      for (let i = 0; i < inputs.length; i += 200) {
        await producer.send({
          topic,
          acks: -1,
          messages: inputs.slice(i, i + 200).map(({ key, value }) => ({ key, value })),
        });
      }
    };
    const intakeCount = Number(values.intake);
    const conflicts = Math.floor(intakeCount / 10);
    const intakeInputs = Array.from({ length: intakeCount - conflicts }, (_, n) => badBreachEvent(random, n));
    const pairs = Array.from({ length: conflicts }, (_, n) => conflictingRevisions(n));
    await send(Topics.breachEvents, [...intakeInputs, ...pairs.map((pair) => pair.accepted)]);
    await send(
      Topics.breachEvents,
      pairs.map((pair) => pair.conflicting),
    );
    targets.intake.tried = intakeCount;
    const inventoryInputs = Array.from({ length: Number(values.inventory) }, (_, n) => badInventoryChange(random, n));
    await send(Topics.inventoryChanges, inventoryInputs);
    targets.inventory.tried = inventoryInputs.length;
    await producer.disconnect();

    // HTTP: a delivery already delivered, so a replayed report changes nothing.
    const deliveryId = randomUUID();
    const knownSid = `SM${randomUUID().replace(/-/g, '')}`;
    await db.query(
      `INSERT INTO notify.notices (notice_id, kind, idempotency_key, exposure_id, incident_id, person_id, revision, change, tier,
         language, categories, new_categories, actions, channels, attack_vectors, msisdns_masked, jurisdiction, policy_version,
         policy_rule, dry_run, notice_already_sent, reference_code, state, outcome, needs_enrollment)
       VALUES ($1, 'notice', 'fuzz', 'e', 'INC-FUZZ', 'P', 1, 'new', 2, 'en', '{1}', '{1}', '{}', '{1}', '{}',
         '{}', 'PK', 'v1', 'r', false, false, 'REF', 'queued', 'pending', false)`,
      [deliveryId],
    );
    await db.query(
      `INSERT INTO notify.deliveries (delivery_id, notice_id, incident_id, person_id, channel, recipient_key, recipient_ciphertext,
         recipient_masked, priority, state, marker, provider_ref, accepted_at, last_status_at)
       VALUES ($1, $1, 'INC-FUZZ', 'P', 'sms', 'rk', '\\x00', '***', 3, 'delivered', 'REF', $2, now(), now())`,
      [deliveryId, knownSid],
    );
    const callbacks = targets.callbacks;
    for (let n = 0; n < Number(values.callbacks); n++) {
      const input = badCallback(random, n, knownSid, TEST_ACCOUNT_SID);
      const path = `/twilio/status?d=${deliveryId}`;
      const token = input.signature === 'wrong' ? `x${TEST_AUTH_TOKEN.slice(1)}` : TEST_AUTH_TOKEN;
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (input.signature !== 'none')
        headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(token, `${base}${path}`, input.form);
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body: new URLSearchParams(input.form).toString(),
      });
      const text = await response.text();
      callbacks.tried += 1;
      let reason = '';
      try {
        const message = (JSON.parse(text) as { message?: unknown }).message;
        reason = typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : '';
      } catch {
        reason = '';
      }
      if (response.status >= 400 && response.status < 500 && reason) {
        callbacks.rejected_with_reason += 1;
        bump(callbacks.reasons, `${response.status} ${reason}`);
      } else bump(callbacks.not_rejected, `${input.kind}: ${response.status}`);
    }
    const { rows: delivery } = await db.query<{ state: string }>(
      'SELECT state FROM notify.deliveries WHERE delivery_id = $1',
      [deliveryId],
    );

    // Count the dead letters (the scan joins a group of its own, so poll every few seconds until all arrive).
    const redriver = new DeadLetterRedriver(kafka);
    const deadline = Date.now() + 10 * 60_000;
    const expected = { intake: targets.intake.tried, inventory: targets.inventory.tried };
    let seen = { intake: 0, inventory: 0 };
    // Done when all arrived, or when none arrived for a minute (the rest are reported as not dead-lettered).
    let lastProgress = Date.now();
    for (;;) {
      const intakeDead = await redriver.list(intakeGroup);
      const exposureDead = (await redriver.list(exposureGroup)).filter(
        (entry) => entry.originalTopic === Topics.inventoryChanges,
      );
      if (intakeDead.length !== seen.intake || exposureDead.length !== seen.inventory) lastProgress = Date.now();
      seen = { intake: intakeDead.length, inventory: exposureDead.length };
      const settled = Date.now() - lastProgress > 60_000;
      if (
        (seen.intake >= expected.intake && seen.inventory >= expected.inventory) ||
        settled ||
        Date.now() > deadline
      ) {
        for (const [name, entries] of [
          ['intake', intakeDead],
          ['inventory', exposureDead],
        ] as const) {
          for (const entry of entries) {
            if (entry.errorReason) {
              targets[name].rejected_with_reason += 1;
              bump(targets[name].reasons, entry.errorCode || 'no code');
            } else bump(targets[name].not_rejected, `dead-lettered without a reason (${entry.errorCode})`);
          }
          const missing = targets[name].tried - entries.length;
          if (missing > 0) targets[name].not_rejected['not dead-lettered'] = missing;
        }
        break;
      }
      console.log(`[fuzz] dead letters so far: ${JSON.stringify(seen)} of ${JSON.stringify(expected)}`);
      await sleep(5000);
    }

    const crashes: string[] = [];
    for (const service of services) {
      if (service.child.exitCode !== null || service.child.signalCode !== null)
        crashes.push(`${service.name} exited (${service.child.exitCode ?? service.child.signalCode})`);
      let log = '';
      try {
        log = readFileSync(join(logDir, `${service.name}.log`), 'utf8');
      } catch {
        log = '';
      }
      if (/unhandledRejection|uncaughtException/.test(log)) crashes.push(`${service.name} logged an unhandled error`);
    }
    const tried = targets.intake.tried + targets.inventory.tried + targets.callbacks.tried;
    const result = {
      seed,
      tried,
      rejected_with_reason:
        targets.intake.rejected_with_reason + targets.inventory.rejected_with_reason + callbacks.rejected_with_reason,
      crashes: crashes.length,
      crash_details: crashes,
      replayed_delivery_state_after: delivery[0]?.state,
      targets,
      seconds: (Date.now() - started) / 1000,
      measured_at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
    writeFileSync(join(BENCH_RESULTS_DIR, 'fuzz.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const service of services) await service.stop();
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
