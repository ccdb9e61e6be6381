import request from 'supertest';
import twilio from 'twilio';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  FROM,
  MESSAGES_PATH,
  createMessage,
  getAuthed,
  startStandIn,
  waitUntil,
} from './testing/fixtures';
import { assertMatchesSpec } from './testing/openapi-validator';
import { Faults } from './faults';
import type { TwilioStandIn, TwilioStandInOptions } from './stand-in';

const TO = '+923001234567';
const form = { To: TO, From: FROM, Body: 'Your data may be exposed.' };

describe(Faults.name, () => {
  let standIn: TwilioStandIn;
  afterEach(() => standIn.close());

  const start = async (options: TwilioStandInOptions = {}) => {
    standIn = await startStandIn(options);
    return standIn;
  };
  const setFaults = (body: object) => request(standIn.url).post('/__admin/faults').send(body);
  const listTo = async (to: string) =>
    (await getAuthed(standIn, `${MESSAGES_PATH}?To=${encodeURIComponent(to)}`)).body.messages as unknown[];

  it('answers 500 / 20500 for the next N requests without storing anything', async () => {
    await start();
    expect((await setFaults({ error500: { next: 2 } })).status).toBe(200);

    const answers = [
      await createMessage(standIn, form),
      await getAuthed(standIn, MESSAGES_PATH),
      await createMessage(standIn, form),
    ];

    expect(answers.map((r) => r.status)).toEqual([500, 500, 201]);
    assertMatchesSpec('error', answers[0]?.body);
    expect(answers[0]?.body.code).toBe(20500);
    expect(standIn.store.size).toBe(1);
    expect(standIn.admin.stats().faults.injected.error500).toBe(2);
  });

  it('fires a fault with the configured probability', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    await start({ random: () => draws.shift() ?? 1, faults: { error500: { probability: 0.5 } } });

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await getAuthed(standIn, MESSAGES_PATH)).status);

    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it('delays requests while the latency fault is on', async () => {
    await start();
    await setFaults({ latency: { ms: 200, next: 1 } });

    const t0 = Date.now();
    await createMessage(standIn, form);
    const slow = Date.now() - t0;
    const t1 = Date.now();
    await createMessage(standIn, form);
    const fast = Date.now() - t1;

    expect(slow).toBeGreaterThanOrEqual(195);
    expect(fast).toBeLessThan(150);
  });

  it('answers a burst of 429 / 20429 to creates, which the twilio client surfaces', async () => {
    await start();
    await setFaults({ burst429: { next: 2 } });
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;

    const first = await createMessage(standIn, form);
    await expect(client.messages.create({ to: TO, from: FROM, body: 'x' })).rejects.toMatchObject({
      status: 429,
      code: 20429,
    });
    const third = await createMessage(standIn, form);

    expect(first.status).toBe(429);
    assertMatchesSpec('error', first.body);
    expect(third.status).toBe(201);
    expect(standIn.store.size).toBe(1);
  });

  it('answers 429 / 20429 to requests beyond the concurrency limit', async () => {
    await start({ maxConcurrency: 2, faults: { latency: { ms: 300 } } });

    const answers = await Promise.all(Array.from({ length: 5 }, () => createMessage(standIn, form)));

    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 429, 429, 429]);
    const rejected = answers.find((r) => r.status === 429);
    expect(rejected?.body.code).toBe(20429);
    expect(rejected?.headers['twilio-concurrent-requests']).toBe('2');
    expect(standIn.admin.stats().requests.concurrencyRejected).toBe(3);
  });

  it('stores and sends the message, then answers 500 (storeThen500)', async () => {
    await start();
    await setFaults({ storeThen500: { next: 1 } });

    const res = await createMessage(standIn, form);

    expect(res.status).toBe(500);
    expect(res.body.code).toBe(20500);
    // The client saw a failure, yet the message exists and is delivered: a blind retry duplicates it.
    expect(await listTo(TO)).toHaveLength(1);
    const [stored] = standIn.store.all();
    await waitUntil(() => stored?.status === 'delivered');
  });

  it('stores the message, then destroys the socket (storeThenDestroy)', async () => {
    await start();
    await setFaults({ storeThenDestroy: { next: 1 } });
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;

    const error = await client.messages.create({ to: TO, from: FROM, body: 'x' }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );

    expect(error?.code ?? error?.message).toMatch(/ECONNRESET|socket hang up/);
    expect(await listTo(TO)).toHaveLength(1);
  });

  it('stores the message and never answers until the fault is cleared (storeThenHang)', async () => {
    await start();
    await setFaults({ storeThenHang: {} });

    let answered = false;
    const pending = createMessage(standIn, form).then((res) => {
      answered = true;
      return res;
    });
    // Held: the marker that the request was stored and is being kept open (an answer would have come with it).
    await waitUntil(() => standIn.admin.stats().faults.hungRequests === 1);
    expect(answered).toBe(false);
    expect(await listTo(TO)).toHaveLength(1);

    await setFaults({ storeThenHang: null });
    const res = await pending;

    expect(res.status).toBe(201);
    assertMatchesSpec('create', res.body);
    expect(res.body.sid).toBe(standIn.store.all()[0]?.sid);
  });

  it('leaves messages created in the last `ms` out of lists while listLag is on', async () => {
    await start();
    expect((await createMessage(standIn, form)).status).toBe(201);
    await setFaults({ listLag: { ms: 60_000 } });

    expect(await listTo(TO)).toHaveLength(0);
    expect((await createMessage(standIn, form)).status).toBe(201);
    expect(await listTo(TO)).toHaveLength(0);

    await setFaults({ listLag: null });
    expect(await listTo(TO)).toHaveLength(2);
    expect(standIn.admin.stats().faults.injected.listLag).toBe(2);
  });

  it('lets a hung request end when the client times out, keeping the message', async () => {
    await start({ faults: { storeThenHang: { next: 1 } } });

    // The client gives up once the request is held (stored, no answer), not after a fixed time that a
    // loaded machine can spend before the request even arrives.
    const client = new AbortController();
    const answer = fetch(`${standIn.url}${MESSAGES_PATH}`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
      signal: client.signal,
    }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    await waitUntil(() => standIn.admin.stats().faults.hungRequests === 1, 5000, 'the request held');
    client.abort();
    const outcome = await answer;

    expect(outcome).toBe('AbortError');
    await waitUntil(() => standIn.admin.stats().faults.hungRequests === 0, 2000, 'hung request released');
    expect(standIn.store.size).toBe(1);
    expect((await createMessage(standIn, form)).status).toBe(201); // next: 1 was used up
  });

  it('clears every fault with DELETE /__admin/faults', async () => {
    await start({ faults: { error500: {}, burst429: {} } });
    expect((await createMessage(standIn, form)).status).toBe(500);

    const cleared = await request(standIn.url).delete('/__admin/faults');

    expect(cleared.body.active).toEqual({});
    expect((await createMessage(standIn, form)).status).toBe(201);
  });

  it('rejects an unknown fault or a bad probability with 400', async () => {
    await start();
    expect((await setFaults({ explode: {} })).status).toBe(400);
    expect((await setFaults({ error500: { probability: 2 } })).status).toBe(400);
    expect(standIn.admin.faults().active).toEqual({});
  });
});
