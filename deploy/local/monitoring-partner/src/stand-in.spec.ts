import { createMonitoringPartnerStandIn, type MonitoringPartnerStandIn } from './stand-in';

describe(createMonitoringPartnerStandIn.name, () => {
  let sut: MonitoringPartnerStandIn;

  beforeAll(async () => {
    sut = await createMonitoringPartnerStandIn({ port: 0 });
  });
  afterEach(() => sut.reset());
  afterAll(() => sut.close());

  const body = (reference: string) => ({
    reference,
    msisdns: ['+923001234567'],
    monitoringStartsAt: '2026-03-05T10:00:00.000Z',
    monitoringEndsAt: '2027-03-05T10:00:00.000Z',
  });
  const enroll = (payload: unknown, key?: string) =>
    fetch(`${sut.url}/v1/enrollments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(payload),
    });

  it('enrolls once per idempotency key and replays the first answer', async () => {
    const first = await enroll(body('enr-1'), 'key-1');
    const again = await enroll(body('enr-1'), 'key-1');

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(sut.enrollments()).toHaveLength(1);
  });

  it('refuses a second enrollment of the same reference under another key, naming the first', async () => {
    const first = (await (await enroll(body('enr-2'), 'key-a')).json()) as { id: string };
    const second = await enroll(body('enr-2'), 'key-b');

    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: 'reference_exists', id: first.id });
    expect(sut.enrollments()).toHaveLength(1);
  });

  it('refuses an idempotency key reused for a different request, and a request without one', async () => {
    await enroll(body('enr-3'), 'key-c');
    expect((await enroll(body('enr-4'), 'key-c')).status).toBe(422);
    expect((await enroll(body('enr-5'))).status).toBe(400);
    expect(sut.enrollments().map((record) => record.reference)).toEqual(['enr-3']);
  });

  it('answers 503 during an outage and stores nothing, while the admin view still answers', async () => {
    sut.setFailureMode('outage');
    expect((await enroll(body('enr-6'), 'key-d')).status).toBe(503);
    const admin = await fetch(`${sut.url}/__admin/enrollments`);
    expect(admin.status).toBe(200);
    expect(await admin.json()).toEqual({ data: [] });
  });

  it('stores then answers 500 in store-then-500, and a retry with the same key gets the stored enrollment', async () => {
    sut.setFailureMode('store-then-500');
    expect((await enroll(body('enr-7'), 'key-e')).status).toBe(500);
    expect(sut.enrollments()).toHaveLength(1);

    sut.setFailureMode('none');
    const retry = await enroll(body('enr-7'), 'key-e');
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { id: string }).id).toBe(sut.enrollments()[0]!.id);
    expect(sut.enrollments()).toHaveLength(1);
  });

  it('holds requests in latency mode', async () => {
    sut.setFailureMode('latency', 150);
    const started = Date.now();
    expect((await enroll(body('enr-8'), 'key-f')).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('finds an enrollment by reference and cancels it', async () => {
    const { id } = (await (await enroll(body('enr-9'), 'key-g')).json()) as { id: string };
    const found = (await (await fetch(`${sut.url}/v1/enrollments?reference=enr-9`)).json()) as {
      data: { id: string }[];
    };
    expect(found.data.map((record) => record.id)).toEqual([id]);

    const cancelled = await fetch(`${sut.url}/v1/enrollments/${id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(sut.enrollments()[0]).toMatchObject({ status: 'cancelled' });
    expect((await fetch(`${sut.url}/v1/enrollments/nope`, { method: 'DELETE' })).status).toBe(404);
  });

  it('never shows the numbers through its API', async () => {
    const response = await enroll(body('enr-10'), 'key-h');
    expect(JSON.stringify(await response.json())).not.toContain('1234567');
  });
});
