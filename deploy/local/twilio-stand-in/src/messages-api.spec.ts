import request from 'supertest';
import { assertMatchesSpec } from './testing/openapi-validator';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  FROM,
  MESSAGES_PATH,
  MESSAGING_SERVICE_SID,
  createMessage,
  getAuthed,
  messagePath,
  sidsOf,
  startStandIn,
  statusOf,
  waitUntil,
} from './testing/fixtures';
import { createTwilioStandIn, type TwilioStandIn } from './stand-in';

const TO = '+923001234567';

describe(createTwilioStandIn.name, () => {
  let standIn: TwilioStandIn;

  beforeEach(async () => {
    standIn = await startStandIn({
      pricePerSegment: 0.05,
      numbers: { optedOut: ['+923000000010'], landline: ['+92511234567', '+9242*'] },
    });
  });
  afterEach(() => standIn.close());

  describe('POST Messages.json', () => {
    it('answers 201 with a queued message resource that matches the spec', async () => {
      const res = await createMessage(standIn, { To: TO, From: FROM, Body: 'Your data may be exposed.' });

      expect(res.status).toBe(201);
      assertMatchesSpec('create', res.body);
      expect(res.body).toMatchObject({
        account_sid: ACCOUNT_SID,
        to: TO,
        from: FROM,
        body: 'Your data may be exposed.',
        status: 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        num_media: '0',
        price: null,
        price_unit: 'USD',
        api_version: '2010-04-01',
        error_code: null,
      });
      expect(res.body.sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(res.body.uri).toBe(messagePath(res.body.sid));
    });

    it('counts Urdu as UCS-2 segments and prices each segment once sent', async () => {
      const urdu = 'آپ کے اکاؤنٹ کی معلومات افشا ہو سکتی ہیں۔ '.repeat(4); // 168 chars -> 3 segments
      const res = await createMessage(standIn, { To: TO, From: FROM, Body: urdu });
      expect(res.body.num_segments).toBe('3');

      await waitUntil(() => statusOf(standIn, res.body.sid) === 'delivered');
      const fetched = await getAuthed(standIn, messagePath(res.body.sid));
      assertMatchesSpec('fetch', fetched.body);
      expect(fetched.body).toMatchObject({ status: 'delivered', price: '-0.15000', price_unit: 'USD' });
      expect(fetched.body.date_sent).not.toBeNull();
    });

    it('accepts a Messaging Service message without a sender and reports segments once one is picked', async () => {
      const res = await createMessage(standIn, {
        To: TO,
        MessagingServiceSid: MESSAGING_SERVICE_SID,
        Body: 'x'.repeat(200),
      });

      expect(res.status).toBe(201);
      assertMatchesSpec('create', res.body);
      expect(res.body).toMatchObject({
        status: 'accepted',
        from: null,
        num_segments: '0',
        messaging_service_sid: MESSAGING_SERVICE_SID,
      });

      await waitUntil(() => statusOf(standIn, res.body.sid) === 'delivered');
      const fetched = await getAuthed(standIn, messagePath(res.body.sid));
      expect(fetched.body).toMatchObject({ from: standIn.config.messagingServiceFrom, num_segments: '2' });
    });

    it('gives a message with MediaUrl an MM sid and counts the media', async () => {
      const res = await createMessage(standIn, { To: TO, From: FROM, MediaUrl: 'https://example.com/notice.png' });
      expect(res.status).toBe(201);
      expect(res.body.sid).toMatch(/^MM/);
      expect(res.body.num_media).toBe('1');
    });

    it.each([
      ['To is not E.164', { To: '03001234567', From: FROM, Body: 'hi' }, 400, 21211],
      ['To is missing', { From: FROM, Body: 'hi' }, 400, 21604],
      ['From is not a sender', { To: TO, From: 'not a valid sender', Body: 'hi' }, 400, 21212],
      ['neither From nor MessagingServiceSid', { To: TO, Body: 'hi' }, 400, 21603],
      ['Body is missing', { To: TO, From: FROM }, 400, 21602],
      ['Body is empty', { To: TO, From: FROM, Body: '' }, 400, 21602],
      ['StatusCallback is not a URL', { To: TO, From: FROM, Body: 'hi', StatusCallback: 'not a url' }, 400, 21609],
      [
        'StatusCallback host has an underscore',
        { To: TO, From: FROM, Body: 'hi', StatusCallback: 'http://my_host/cb' },
        400,
        21609,
      ],
      ['To has opted out', { To: '+923000000010', From: FROM, Body: 'hi' }, 400, 21610],
      ['To is a landline', { To: '+92511234567', From: FROM, Body: 'hi' }, 400, 21614],
      ['To matches a landline prefix', { To: '+92421234567', From: FROM, Body: 'hi' }, 400, 21614],
      ['Body is over 1600 characters', { To: TO, From: FROM, Body: 'a'.repeat(1601) }, 400, 21617],
      ['ValidityPeriod is above 36000', { To: TO, From: FROM, Body: 'hi', ValidityPeriod: '36001' }, 400, 21624],
      ['ValidityPeriod is not an integer', { To: TO, From: FROM, Body: 'hi', ValidityPeriod: '1.5' }, 400, 21624],
      ['MessagingServiceSid is malformed', { To: TO, MessagingServiceSid: 'MG123', Body: 'hi' }, 400, 21705],
    ])('rejects a message when %s', async (_case, form, status, code) => {
      const res = await createMessage(standIn, form);

      expect(res.status).toBe(status);
      assertMatchesSpec('error', res.body);
      expect(res.body).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
      expect(standIn.store.size).toBe(0);
    });

    it('rejects wrong credentials with 401 / 20003 and stores nothing', async () => {
      const res = await request(standIn.url)
        .post(MESSAGES_PATH)
        .auth(ACCOUNT_SID, 'wrong-token')
        .type('form')
        .send({ To: TO, From: FROM, Body: 'hi' });

      expect(res.status).toBe(401);
      assertMatchesSpec('error', res.body);
      expect(res.body.code).toBe(20003);
      expect(standIn.store.size).toBe(0);
    });

    it('rejects a request without credentials and one for another account', async () => {
      const anonymous = await request(standIn.url).get(MESSAGES_PATH);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe(20003);

      const other = await request(standIn.url)
        .get('/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/Messages.json')
        .auth(ACCOUNT_SID, AUTH_TOKEN);
      expect(other.status).toBe(401);
      expect(other.body.code).toBe(20003);
    });
  });

  describe('GET Messages/{Sid}.json', () => {
    it('returns the stored message and its progress to delivered', async () => {
      const created = await createMessage(standIn, { To: TO, From: FROM, Body: 'hello' });
      await waitUntil(() => statusOf(standIn, created.body.sid) === 'delivered');

      const res = await getAuthed(standIn, messagePath(created.body.sid));

      expect(res.status).toBe(200);
      assertMatchesSpec('fetch', res.body);
      expect(res.body).toMatchObject({ sid: created.body.sid, status: 'delivered', body: 'hello' });
      expect(standIn.store.get(created.body.sid)?.history.map((h) => h.status)).toEqual([
        'queued',
        'sending',
        'sent',
        'delivered',
      ]);
    });

    it('answers 404 / 20404 for an unknown sid', async () => {
      const res = await getAuthed(standIn, messagePath('SM00000000000000000000000000000000'));

      expect(res.status).toBe(404);
      assertMatchesSpec('error', res.body);
      expect(res.body.code).toBe(20404);
    });
  });

  describe('GET Messages.json', () => {
    async function send(to: string, count: number): Promise<string[]> {
      const sids: string[] = [];
      for (let i = 0; i < count; i++) {
        const res = await createMessage(standIn, { To: to, From: FROM, Body: `notice ${i}` });
        sids.push(res.body.sid as string);
      }
      return sids;
    }

    it('pages newest first with Twilio page URIs until next_page_uri is null', async () => {
      const sids = await send(TO, 5);
      const seen: string[] = [];
      let uri: string | null = `${MESSAGES_PATH}?PageSize=2`;
      const pages: number[] = [];

      while (uri) {
        const res = await getAuthed(standIn, uri);
        expect(res.status).toBe(200);
        assertMatchesSpec('list', res.body);
        pages.push(res.body.page as number);
        seen.push(...(res.body.messages as Array<{ sid: string }>).map((m) => m.sid));
        uri = res.body.next_page_uri as string | null;
      }

      expect(pages).toEqual([0, 1, 2]);
      expect(seen).toEqual([...sids].reverse());
    });

    it('fills page metadata like Twilio', async () => {
      const sids = await send(TO, 3);
      const first = await getAuthed(standIn, `${MESSAGES_PATH}?To=${encodeURIComponent(TO)}&PageSize=2`);

      expect(first.body).toMatchObject({
        page: 0,
        page_size: 2,
        start: 0,
        end: 1,
        previous_page_uri: null,
        first_page_uri: `${MESSAGES_PATH}?To=%2B923001234567&PageSize=2&Page=0`,
        uri: `${MESSAGES_PATH}?To=%2B923001234567&PageSize=2&Page=0`,
        next_page_uri: `${MESSAGES_PATH}?To=%2B923001234567&PageSize=2&Page=1&PageToken=PA${sids[1]}`,
      });

      const second = await getAuthed(standIn, first.body.next_page_uri as string);
      expect(second.body).toMatchObject({ page: 1, start: 2, end: 2, next_page_uri: null });
      expect(sidsOf(second.body)).toEqual([sids[0]]);

      const back = await getAuthed(standIn, second.body.previous_page_uri as string);
      expect(sidsOf(back.body)).toEqual([sids[2], sids[1]]);
    });

    it('keeps paging stable when messages arrive between pages', async () => {
      const sids = await send(TO, 4);
      const first = await getAuthed(standIn, `${MESSAGES_PATH}?PageSize=2`);
      await send(TO, 3); // newer messages must not shift the next page
      const second = await getAuthed(standIn, first.body.next_page_uri as string);
      expect(sidsOf(second.body)).toEqual([sids[1], sids[0]]);
    });

    it('filters by To and From', async () => {
      const mine = await send('+923001111111', 2);
      await send('+923002222222', 3);
      const other = await createMessage(standIn, { To: '+923001111111', From: '+15005550007', Body: 'x' });

      const byTo = await getAuthed(standIn, `${MESSAGES_PATH}?To=%2B923001111111`);
      expect(sidsOf(byTo.body)).toEqual([other.body.sid, mine[1], mine[0]]);

      const byBoth = await getAuthed(standIn, `${MESSAGES_PATH}?To=%2B923001111111&From=%2B15005550006`);
      expect(sidsOf(byBoth.body)).toEqual([mine[1], mine[0]]);
    });

    it('filters by DateSent day, before and after, and leaves out unsent messages', async () => {
      const [sid] = await send(TO, 1);
      await waitUntil(() => standIn.store.get(sid as string)?.dateSent != null);
      const today = new Date().toISOString().slice(0, 10);
      const count = async (query: string) =>
        ((await getAuthed(standIn, `${MESSAGES_PATH}?${query}`)).body.messages as unknown[]).length;

      expect(await count(`DateSent=${today}`)).toBe(1);
      expect(await count('DateSent=2001-01-01')).toBe(0);
      expect(await count(`${encodeURIComponent('DateSent<')}=2001-01-01`)).toBe(0);
      expect(await count(`${encodeURIComponent('DateSent>')}=2001-01-01`)).toBe(1);
      expect(await count(`${encodeURIComponent('DateSent>')}=${today}`)).toBe(1);
    });

    it('caps PageSize at 1000 and defaults it to 50', async () => {
      expect((await getAuthed(standIn, MESSAGES_PATH)).body.page_size).toBe(50);
      expect((await getAuthed(standIn, `${MESSAGES_PATH}?PageSize=5000`)).body.page_size).toBe(1000);
      const bad = await getAuthed(standIn, `${MESSAGES_PATH}?PageSize=0`);
      expect(bad.status).toBe(400);
      assertMatchesSpec('error', bad.body);
    });
  });
});
