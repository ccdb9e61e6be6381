import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import request from 'supertest';
import type { StoredMail } from './mail-store';
import { createSmtpSink, type SmtpSink, type SmtpSinkOptions } from './sink';

const URDU_SUBJECT = 'اہم اطلاع: آپ کے ڈیٹا کی حفاظت';
const URDU_TEXT = 'محترم صارف، آپ کا موبائل نمبر ایک ڈیٹا لیک میں شامل ہو سکتا ہے۔ براہ کرم اپنا پن تبدیل کریں۔';

describe(createSmtpSink.name, () => {
  let sink: SmtpSink;
  let transport: Transporter<SMTPPool.SentMessageInfo>;

  async function start(options: SmtpSinkOptions = {}): Promise<void> {
    sink = await createSmtpSink({ host: '127.0.0.1', smtpPort: 0, httpPort: 0, ...options });
    transport = nodemailer.createTransport({
      pool: true,
      host: '127.0.0.1',
      port: sink.smtpPort,
      secure: false,
      maxConnections: 2,
    });
  }

  afterEach(async () => {
    transport.close();
    await sink.close();
  });

  const api = () => request(sink.httpUrl);
  const messages = async (query: Record<string, string> = {}) =>
    (await api().get('/api/messages').query(query)).body as { total: number; messages: StoredMail[] };

  it('stores mail sent by a pooled nodemailer transport and lists it with headers and bodies', async () => {
    await start();
    const info = await transport.sendMail({
      from: '"Jazz Security" <security@jazz.example>',
      to: 'customer@example.pk',
      cc: 'dpo@jazz.example',
      subject: 'Important notice about your data',
      text: 'Plain body',
      html: '<p>HTML <b>body</b></p>',
      headers: { 'X-Notice-Id': 'notice-42' },
    });

    expect(info.accepted).toEqual(['customer@example.pk', 'dpo@jazz.example']);
    const {
      total,
      messages: [mail],
    } = await messages();
    expect(total).toBe(1);
    expect(mail).toMatchObject({
      messageId: info.messageId,
      envelope: { mailFrom: 'security@jazz.example', rcptTo: ['customer@example.pk', 'dpo@jazz.example'] },
      from: [{ name: 'Jazz Security', address: 'security@jazz.example' }],
      to: [{ name: '', address: 'customer@example.pk' }],
      cc: [{ name: '', address: 'dpo@jazz.example' }],
      subject: 'Important notice about your data',
      text: 'Plain body',
      html: '<p>HTML <b>body</b></p>',
    });
    expect(mail?.headers['x-notice-id']).toBe('notice-42');
    expect(mail?.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(mail?.size).toBeGreaterThan(100);

    const single = await api().get(`/api/messages/${mail?.id ?? ''}`);
    expect(single.status).toBe(200);
    expect(single.body).toEqual(mail);
  });

  it('round-trips an Urdu subject and body in UTF-8', async () => {
    await start();
    await transport.sendMail({
      from: 'security@jazz.example',
      to: 'customer@example.pk',
      subject: URDU_SUBJECT,
      text: URDU_TEXT,
      html: `<p dir="rtl">${URDU_TEXT}</p>`,
    });

    const [mail] = (await messages()).messages;
    expect(mail?.subject).toBe(URDU_SUBJECT);
    expect(mail?.headers.subject).toBe(URDU_SUBJECT);
    expect(mail?.text?.trim()).toBe(URDU_TEXT);
    expect(mail?.html).toBe(`<p dir="rtl">${URDU_TEXT}</p>`);

    const page = await api().get(`/messages/${mail?.id ?? ''}`);
    expect(page.headers['content-type']).toMatch(/charset=utf-8/);
    expect(page.text).toContain(`<h1 dir="auto">${URDU_SUBJECT}</h1>`);
    expect(page.text).toContain(`<pre dir="auto">${URDU_TEXT}`);
  });

  it('refuses a configured recipient with 550 and still delivers to the others', async () => {
    await start({ recipients: { reject: ['gone@example.pk'] } });

    const error = await transport
      .sendMail({ from: 'security@jazz.example', to: 'gone@example.pk', subject: 'x', text: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e as { responseCode?: number; code?: string },
      );
    expect(error).toMatchObject({ responseCode: 550, code: 'EENVELOPE' });

    const mixed = await transport.sendMail({
      from: 'security@jazz.example',
      to: ['gone@example.pk', 'customer@example.pk'],
      subject: 'mixed',
      text: 'x',
    });
    expect(mixed.accepted).toEqual(['customer@example.pk']);
    expect(mixed.rejected).toEqual(['gone@example.pk']);
    expect(mixed.rejectedErrors?.[0]).toMatchObject({ responseCode: 550 });

    const { messages: stored } = await messages();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.envelope.rcptTo).toEqual(['customer@example.pk']);
  });

  it('defers a configured recipient with a 4xx temporary failure', async () => {
    await start({ recipients: { tempFail: ['busy@example.pk'] } });

    const error = await transport
      .sendMail({ from: 'security@jazz.example', to: 'busy@example.pk', subject: 'x', text: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e as { responseCode?: number },
      );

    expect(error?.responseCode).toBe(451);
    expect(sink.store.size).toBe(0);
  });

  it('changes refused recipients at runtime through POST /api/config', async () => {
    await start();
    const set = await api()
      .post('/api/config')
      .send({ reject: ['Later@Example.pk'] });
    expect(set.body).toEqual({ reject: ['later@example.pk'], tempFail: [] });

    const error = await transport
      .sendMail({ from: 'a@jazz.example', to: 'later@example.pk', subject: 'x', text: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e as { responseCode?: number },
      );
    expect(error?.responseCode).toBe(550);

    await api().post('/api/config').send({ reject: [] });
    await expect(
      transport.sendMail({ from: 'a@jazz.example', to: 'later@example.pk', subject: 'x', text: 'x' }),
    ).resolves.toBeDefined();
    expect(
      (
        await api()
          .post('/api/config')
          .send({ reject: ['not an address'] })
      ).status,
    ).toBe(400);
  });

  it('filters by recipient, including Bcc, and pages newest first', async () => {
    await start();
    for (let i = 0; i < 5; i++) {
      await transport.sendMail({ from: 'a@jazz.example', to: `user${i % 2}@example.pk`, subject: `n${i}`, text: 'x' });
    }
    await transport.sendMail({
      from: 'a@jazz.example',
      to: 'user0@example.pk',
      bcc: 'audit@jazz.example',
      subject: 'bcc',
      text: 'x',
    });

    const user0 = await messages({ to: 'USER0@example.pk' });
    expect(user0.messages.map((m) => m.subject)).toEqual(['bcc', 'n4', 'n2', 'n0']);
    expect((await messages({ to: 'audit@jazz.example' })).messages.map((m) => m.subject)).toEqual(['bcc']);

    const page = await messages({ to: 'user0@example.pk', offset: '1', limit: '2' });
    expect(page).toMatchObject({ total: 4, offset: 1, limit: 2 });
    expect(page.messages.map((m) => m.subject)).toEqual(['n4', 'n2']);
  });

  it('keeps only the newest messages beyond its bound', async () => {
    await start({ maxMessages: 2 });
    for (const subject of ['one', 'two', 'three']) {
      await transport.sendMail({ from: 'a@jazz.example', to: 'b@example.pk', subject, text: 'x' });
    }
    expect((await messages()).messages.map((m) => m.subject)).toEqual(['three', 'two']);
  });

  it('empties on DELETE /api/messages and reports health', async () => {
    await start();
    await transport.sendMail({ from: 'a@jazz.example', to: 'b@example.pk', subject: 'x', text: 'x' });
    expect((await api().get('/api/health')).body).toEqual({ status: 'ok', messages: 1 });

    expect((await api().delete('/api/messages')).status).toBe(204);

    expect((await api().get('/api/health')).body).toEqual({ status: 'ok', messages: 0 });
    expect((await api().get('/api/messages/unknown')).status).toBe(404);
  });

  it('requires the configured credentials when auth is on', async () => {
    await start({ auth: { user: 'notifier', pass: 's3cret' } });
    const wrong = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.smtpPort,
      secure: false,
      auth: { user: 'notifier', pass: 'nope' },
    });
    const right = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.smtpPort,
      secure: false,
      auth: { user: 'notifier', pass: 's3cret' },
    });

    await expect(wrong.sendMail({ from: 'a@jazz.example', to: 'b@example.pk', text: 'x' })).rejects.toMatchObject({
      responseCode: 535,
    });
    await expect(right.sendMail({ from: 'a@jazz.example', to: 'b@example.pk', text: 'x' })).resolves.toBeDefined();
    expect(sink.store.size).toBe(1);
  });
});
