import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import { TEST_DATABASE_URL, waitFor } from '@bnp/testing';
import { NotifiedLoop, type NotifiedLoopOptions } from './notified-loop';

/** A loop whose passes are counted; `results` decides what each pass returns or throws. */
function countingLoop(pool: Pool, options: Partial<NotifiedLoopOptions> & { channel: string }) {
  const state = { passes: 0, results: [] as (number | Error)[] };
  const loop = new NotifiedLoop({
    pool,
    logger: pino({ level: 'silent' }),
    // Long enough that only a notification (or a lost session) can explain a second pass in a test.
    idleMs: 120_000,
    standbyMs: 100,
    retryMs: 50,
    ...options,
    pass: () => {
      state.passes += 1;
      const result = state.results.shift() ?? 0;
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
  });
  return { loop, state };
}

describe(NotifiedLoop.name, () => {
  let pool: Pool;
  const started: NotifiedLoop[] = [];
  const channel = () => `loop_it_${randomUUID().slice(0, 8)}`;
  const start = async (loop: NotifiedLoop) => {
    started.push(loop);
    await loop.start();
    return loop;
  };

  beforeAll(() => {
    pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 8 });
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((loop) => loop.stop()));
  });

  afterAll(async () => {
    await pool.end();
  });

  it('sleeps after an idle pass until a NOTIFY on its channel wakes it', async () => {
    const name = channel();
    const { loop, state } = countingLoop(pool, { channel: name });
    await start(loop);
    await waitFor(() => state.passes === 1, 'the first pass');

    await pool.query('SELECT pg_notify($1, $2)', [name, 'work']);

    await waitFor(() => state.passes === 2, 'a pass after the notification', { timeoutMs: 10_000 });
  });

  it('runs passes back to back while they find work, and sleeps after the first idle one', async () => {
    const { loop, state } = countingLoop(pool, { channel: channel() });
    state.results.push(5, 5, 1);
    await start(loop);

    await waitFor(() => state.passes === 4, 'three busy passes and an idle one', { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(state.passes).toBe(4);
  });

  it('lets one instance hold the leader lock, and hands it over when that instance stops', async () => {
    const lock = `loop-it-${randomUUID()}`;
    const first = countingLoop(pool, { channel: channel(), leaderLock: lock });
    const second = countingLoop(pool, { channel: channel(), leaderLock: lock });
    await start(first.loop);
    await waitFor(() => first.state.passes === 1, 'the leader runs a pass');
    await start(second.loop);
    await new Promise((resolve) => setTimeout(resolve, 500)); // five standby retries of the second

    expect(second.loop.isLeader).toBe(false);
    expect(second.state.passes).toBe(0);

    await first.loop.stop();
    await waitFor(() => second.state.passes === 1, 'the standby takes over', { timeoutMs: 10_000 });
    expect(second.loop.isLeader).toBe(true);
  });

  it('logs a pass that throws and keeps going', async () => {
    const errors: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) });
    const { loop, state } = countingLoop(pool, { channel: channel(), logger });
    state.results.push(new Error('database went away'), new Error('still away'));
    await start(loop);

    await waitFor(() => state.passes === 3, 'a pass after two failures', { timeoutMs: 10_000 });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ msg: 'worker pass failed; retrying', err: { message: 'database went away' } });
    expect(loop.running).toBe(true);
  });

  it('reconnects when its listening session is killed, taking back the lock and its LISTEN', async () => {
    const lock = `loop-it-${randomUUID()}`;
    const name = channel();
    const { loop, state } = countingLoop(pool, { channel: name, leaderLock: lock });
    await start(loop);
    await waitFor(() => state.passes === 1, 'the first pass');
    // An advisory lock on a bigint key shows its low 32 bits as objid.
    const holder = async () =>
      (
        await pool.query<{ pid: number }>(
          `SELECT "pid" FROM pg_locks
           WHERE "locktype" = 'advisory' AND "granted" AND "objid" = ((hashtext($1)::bigint & 4294967295)::text)::oid`,
          [lock],
        )
      ).rows[0]?.pid;
    const before = await holder();
    expect(before).toBeDefined();

    await pool.query('SELECT pg_terminate_backend($1)', [before]);

    await waitFor(async () => state.passes === 2 && (await holder()) !== undefined, 'the loop leads again', {
      timeoutMs: 10_000,
    });
    expect(await holder()).not.toBe(before);
    await pool.query('SELECT pg_notify($1, $2)', [name, 'work']);
    await waitFor(() => state.passes === 3, 'the new session hears notifications', { timeoutMs: 10_000 });
  });
});
