import request from 'supertest';
import { FROM, createMessage, startStandIn, waitUntil } from './testing/fixtures';
import { adminRoutes } from './admin-routes';
import type { StoredMessage } from './message';
import type { TwilioStandIn } from './stand-in';

describe(adminRoutes.name, () => {
  let standIn: TwilioStandIn;
  beforeEach(async () => {
    standIn = await startStandIn({ numbers: { optedOut: ['+923000000010'] } });
  });
  afterEach(() => standIn.close());

  it('reports health', async () => {
    const res = await request(standIn.url).get('/__admin/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', messages: 0 });
  });

  it('lists every stored message with its body and status history, filtered by to', async () => {
    const a = await createMessage(standIn, { To: '+923001111111', From: FROM, Body: 'for a' });
    await createMessage(standIn, { To: '+923002222222', From: FROM, Body: 'for b' });
    await waitUntil(() => standIn.store.get(a.body.sid)?.status === 'delivered');

    const all = await request(standIn.url).get('/__admin/messages');
    const onlyA = await request(standIn.url).get('/__admin/messages').query({ to: '+923001111111' });

    expect(all.body.messages).toHaveLength(2);
    expect(onlyA.body.messages).toHaveLength(1);
    expect(onlyA.body.messages[0]).toMatchObject({
      sid: a.body.sid,
      body: 'for a',
      segments: 1,
      encoding: 'GSM-7',
      status: 'delivered',
    });
    expect((onlyA.body.messages as StoredMessage[])[0]?.history.map((h) => h.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
    ]);
  });

  it('counts requests, creations, rejections and statuses', async () => {
    const ok = await createMessage(standIn, { To: '+923001111111', From: FROM, Body: 'x' });
    await createMessage(standIn, { To: '+923000000010', From: FROM, Body: 'x' });
    await waitUntil(() => standIn.store.get(ok.body.sid)?.status === 'delivered');

    const { body } = await request(standIn.url).get('/__admin/stats');

    expect(body).toMatchObject({
      requests: { create: 2 },
      created: 1,
      rejectedByCode: { 21610: 1 },
      messagesByStatus: { delivered: 1, queued: 0 },
      senders: { [FROM]: { segmentsSent: 1, messagesSent: 1, queueDepth: 0 } },
    });
    expect(body.senders[FROM].perSecond).toEqual([[expect.any(Number), 1]]);
  });

  it('forgets everything on reset', async () => {
    await createMessage(standIn, { To: '+923001111111', From: FROM, Body: 'x' });
    await request(standIn.url).post('/__admin/faults').send({ error500: {} });

    expect((await request(standIn.url).post('/__admin/reset')).status).toBe(204);

    expect(standIn.store.size).toBe(0);
    expect(standIn.admin.stats()).toMatchObject({ created: 0, senders: {}, faults: { active: {} } });
    expect((await createMessage(standIn, { To: '+923001111111', From: FROM, Body: 'x' })).status).toBe(201);
  });
});
