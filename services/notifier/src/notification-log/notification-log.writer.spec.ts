import pino from 'pino';
import { LogEntryKind, NotificationLogEntrySchema, decodeBinary, encodeMessage } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { notificationLogMessage } from './log-entry';
import type { NewLogEntry, NotificationLogRepository } from './notification-log.repository';
import { NotificationLogWriter } from './notification-log.writer';

function entry(overrides: Partial<Parameters<typeof notificationLogMessage>[1]> = {}) {
  return notificationLogMessage('notification.log.v1', {
    incidentId: 'INC-1',
    revision: 1,
    personId: 'P-1',
    subjectId: 'D-1',
    kind: LogEntryKind.STATUS_CHANGED,
    channel: 'sms',
    status: 'delivered',
    providerRef: `SM${'a'.repeat(32)}`,
    recipientMasked: '+92 3** *** **67',
    contentHmac: 'f'.repeat(64),
    ...overrides,
  });
}

function inbound(message: { key: string; payload: Uint8Array }): InboundMessage {
  return {
    topic: 'notification.log.v1',
    partition: 2,
    offset: '42',
    key: message.key,
    value: Buffer.from(message.payload),
    headers: {},
    timestamp: '0',
    attempt: 0,
  };
}

describe(NotificationLogWriter.name, () => {
  const appended: NewLogEntry[] = [];
  const repository = {
    appendAll: async (rows: NewLogEntry[]) => (appended.push(...rows), rows.map(() => true)),
  } as unknown as NotificationLogRepository;
  const sut = new NotificationLogWriter(repository, pino({ level: 'silent' }));

  beforeEach(() => (appended.length = 0));

  it('appends an entry with its Kafka position, enums by name', async () => {
    await expect(sut.append(inbound(entry()))).resolves.toBe('appended');
    expect(appended[0]).toMatchObject({
      kind: 'STATUS_CHANGED',
      channel: 'SMS',
      status: 'delivered',
      sourcePartition: 2,
      sourceOffset: '42',
    });
  });

  it('scrubs plain contact data a producer puts in the detail, before it leaves the producer', () => {
    const message = entry({ detail: 'SMTP said 550 <ali.khan@example.pk> unknown, retry 03001234567' });
    const text = Buffer.from(message.payload).toString('utf8');
    expect(text).not.toContain('ali.khan@example.pk');
    expect(text).not.toContain('03001234567');
  });

  it('masks plain personal data a careless producer put in, and keeps the entry', async () => {
    const raw = entry();
    const careless = encodeMessage(NotificationLogEntrySchema, {
      ...decodeBinary(NotificationLogEntrySchema, raw.payload),
      recipientMasked: '+92 300 1234567',
      detail: 'reason: customer ali.khan@example.pk asked',
    });
    await expect(sut.append(inbound({ key: 'P-1', payload: careless }))).resolves.toBe('appended');
    expect(appended[0]?.recipientMasked).toBe('+92 3** *** **67');
    expect(appended[0]?.detail).not.toContain('ali.khan@example.pk');
  });

  it('refuses an entry filed under another person', async () => {
    await expect(sut.append(inbound({ ...entry(), key: 'P-2' }))).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
    expect(appended).toHaveLength(0);
  });
});
