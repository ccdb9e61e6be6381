import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Channel, PiiCategory, RiskTier } from '@bnp/contracts';
import { waitFor } from '@bnp/testing';
import { personExposed, testMsisdn } from '../testing/events';
import { NotifierHarness } from '../testing/harness';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** The notifier as its own process, as in production, so it can be killed with SIGKILL mid-send. */
function startNotifierProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/notifier/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function live(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/live`)).ok;
  } catch {
    return false;
  }
}

describe('a notifier killed mid-incident', () => {
  let h: NotifierHarness;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    h = await NotifierHarness.start({
      env: {
        // Slow enough that the kill lands mid-stream: some sent, some hanging, some still queued.
        TWILIO_SEGMENTS_PER_SECOND: '150',
        TWILIO_REQUEST_TIMEOUT_MS: '5000',
        NOTIFIER_LEASE_MS: '30000',
        NOTIFIER_RECONCILE_GRACE_MS: '500',
        // The killed instance's partitions go to its successor after this long.
        NOTIFIER_KAFKA_SESSION_TIMEOUT_MS: '6000',
        // Callbacks posted while no notifier listened are lost; the status poll settles those messages.
        NOTIFIER_STATUS_POLL_AFTER_MS: '2000',
      },
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await h?.close();
  });

  it('leaves no one unnotified and no one notified twice after SIGKILL and restart', async () => {
    const t0 = Date.now();
    const mark = (what: string) => process.env.TEST_TRACE && console.log(`${Date.now() - t0} ms ${what}`);
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const first = randomInt(1, 800_000_000);
    const numbers = Array.from({ length: 120 }, (_, index) => testMsisdn(first + index));
    // Requests that reach the stand-in now are stored and sent, but never answered.
    h.standIn.admin.setFaults({ storeThenHang: { probability: 0.3 } });

    child = startNotifierProcess(h.env);
    await waitFor(() => live(h.env.NOTIFIER_PUBLIC_URL!), 'the notifier process up', {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    mark('up');
    await h.send(
      h.topics.exposure,
      numbers.map((msisdn, index) =>
        personExposed({
          incidentId,
          tier: index < 40 ? RiskTier.CRITICAL : RiskTier.LOW,
          language: index % 2 ? 'en' : 'ur',
          categories: [PiiCategory.CNIC],
          numbers: [{ msisdn }],
          channels: [Channel.SMS],
          actions: [],
        }),
      ),
    );
    await waitFor(
      () => h.standIn.admin.stats().faults.hungRequests >= 5 && h.standIn.admin.stats().created >= 30,
      'requests hanging mid-stream',
      {
        timeoutMs: 30_000,
        intervalMs: 20,
      },
    );
    mark('killing');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const createdBeforeKill = h.standIn.admin.stats().created;
    const unanswered = await h.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 AND state = 'sending'`,
      [incidentId],
    );
    expect(createdBeforeKill).toBeLessThan(numbers.length);
    expect(unanswered[0]?.count).toBeGreaterThan(0);

    h.standIn.admin.clearFaults();
    child = startNotifierProcess(h.env);
    mark('restarted');
    const tracer = process.env.TEST_TRACE
      ? setInterval(() => {
          void h
            .query<{ state: string; count: number }>(
              `SELECT state, count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 GROUP BY state`,
              [incidentId],
            )
            .then((rows) => mark(JSON.stringify(rows)));
        }, 2000)
      : undefined;
    await waitFor(
      async () =>
        (
          await h.query<{ count: number }>(
            `SELECT count(*)::int AS count FROM notify.notices WHERE incident_id = $1 AND outcome = 'reached'`,
            [incidentId],
          )
        )[0]?.count === numbers.length,
      'every person reached after the restart',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    clearInterval(tracer);
    mark('all reached');
    const perNumber = numbers.map((msisdn) => h.smsTo(msisdn).length);
    expect(perNumber.filter((count) => count === 0)).toHaveLength(0);
    expect(perNumber.filter((count) => count > 1)).toHaveLength(0);
    const reconciled = await h.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 AND error_detail = 'reconciled from the provider list'`,
      [incidentId],
    );
    expect(reconciled[0]?.count).toBeGreaterThan(0); // hung sends were found in the provider's list, not sent again
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  });
});
