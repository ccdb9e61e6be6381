// The real twilio-node client, redirected only by client.api.baseUrl, as the notifier will use it.
// Raw bodies are checked against the spec in messages-api.spec.ts; here the client must parse them.
import twilio from 'twilio';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, startStandIn, statusOf, waitUntil } from './testing/fixtures';
import { createTwilioStandIn, type TwilioStandIn } from './stand-in';

describe(`${createTwilioStandIn.name} with the twilio client`, () => {
  let standIn: TwilioStandIn;
  let client: twilio.Twilio;

  beforeAll(async () => {
    standIn = await startStandIn({ numbers: { optedOut: ['+923009999999'] } });
    client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;
  });
  afterAll(() => standIn.close());

  it('sends a message and fetches it back delivered', async () => {
    const sent = await client.messages.create({ to: '+923001234567', from: FROM, body: 'آپ کا ڈیٹا' });

    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    expect(sent.numSegments).toBe('1');
    expect(sent.accountSid).toBe(ACCOUNT_SID);
    expect(sent.dateCreated).toBeInstanceOf(Date);

    await waitUntil(() => statusOf(standIn, sent.sid) === 'delivered');
    const fetched = await client.messages(sent.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.body).toBe('آپ کا ڈیٹا');
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it('lists across several pages by following next_page_uri', async () => {
    const to = '+923005550000';
    const sids: string[] = [];
    for (let i = 0; i < 7; i++) sids.push((await client.messages.create({ to, from: FROM, body: `n${i}` })).sid);

    const listsBefore = standIn.admin.stats().requests.list;
    const listed = await client.messages.list({ to, pageSize: 3 });
    expect(listed.map((m) => m.sid)).toEqual([...sids].reverse());
    expect(standIn.admin.stats().requests.list - listsBefore).toBe(3); // pages of 3 + 3 + 1

    const firstPage = await client.messages.page({ to, pageSize: 3 });
    const secondPage = await firstPage.nextPage();
    expect(secondPage?.instances.map((m) => m.sid)).toEqual([sids[3], sids[2], sids[1]]);
  });

  it('surfaces Twilio errors as RestException with code and status', async () => {
    await expect(client.messages.create({ to: '+923009999999', from: FROM, body: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 21610,
      moreInfo: 'https://www.twilio.com/docs/errors/21610',
    });
    await expect(client.messages('SM00000000000000000000000000000000').fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('rejects a client with the wrong auth token', async () => {
    const intruder = twilio(ACCOUNT_SID, 'not-the-token');
    intruder.api.baseUrl = standIn.url;
    await expect(intruder.messages.list({ limit: 1 })).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});
