import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailStore, type StoredMail } from './mail-store';

function mail(id: string, rcpt: string): StoredMail {
  return {
    id,
    messageId: `<${id}@x>`,
    envelope: { mailFrom: 'a@jazz.example', rcptTo: [rcpt] },
    from: [{ name: '', address: 'a@jazz.example' }],
    to: [{ name: '', address: rcpt }],
    cc: [],
    subject: id,
    text: 'ٹیسٹ',
    html: null,
    headers: {},
    date: null,
    receivedAt: new Date().toISOString(),
    size: 10,
  };
}

describe(MailStore.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-sink-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every mail and every repeated Message-ID, also beyond what it keeps', () => {
    const sut = new MailStore({ maxMessages: 2 });
    for (const id of ['m1', 'm2', 'm3', 'm1', 'm2'])
      sut.add({ ...mail(`${id}-${Math.random()}`, 'p@x.pk'), messageId: `<${id}@x>` });
    expect(sut.size).toBe(2);
    expect(sut.stats).toEqual({ received: 5, repeatedMessageIds: 2 });
    sut.clear();
    expect(sut.stats).toEqual({ received: 0, repeatedMessageIds: 0 });
  });

  it('keeps mail in a JSON file across a restart', async () => {
    const file = join(dir, 'sub', 'mail.json');
    const first = new MailStore({ maxMessages: 10, file, writeIntervalMs: 10 });
    first.add(mail('one', 'b@example.pk'));
    first.add(mail('two', 'c@example.pk'));
    await first.flush();

    const second = new MailStore({ maxMessages: 10, file });

    expect(second.list({ offset: 0, limit: 10 }).messages.map((m) => m.subject)).toEqual(['two', 'one']);
    expect(second.get('one')?.text).toBe('ٹیسٹ');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['mail.json']);
  });

  it('reloads no more than its bound', async () => {
    const file = join(dir, 'mail.json');
    const big = new MailStore({ maxMessages: 10, file });
    for (const id of ['a', 'b', 'c']) big.add(mail(id, 'b@example.pk'));
    await big.flush();

    const small = new MailStore({ maxMessages: 2, file });

    expect(small.list({ offset: 0, limit: 10 }).messages.map((m) => m.id)).toEqual(['c', 'b']);
    expect(small.get('a')).toBeUndefined();
  });
});
