import { LogEntryKind, NotificationLogEntrySchema, decodeBinary } from '@bnp/contracts';
import { noticeIdOf } from '../shared/ids';
import { aNotice, kit } from './notice.factory';
import { followUpKeyOf, planProtectionFollowUp } from './protection-follow-up';

const recipient = {
  delivery_id: 'old-delivery',
  channel: 'sms' as const,
  recipient_key: 'rk-1',
  recipient_ciphertext: kit.sealer.seal('+923001234567', 'notify:delivery:old-delivery'),
  recipient_masked: '+92300****567',
  subscriber_id: 'S-1',
};

describe(planProtectionFollowUp.name, () => {
  it('is a ready protection notice keyed off the original, carrying the enrollment', () => {
    const original = aNotice();
    const sut = planProtectionFollowUp(original, 'E-9', [recipient], kit);
    expect(sut.notice).toMatchObject({
      kind: 'protection',
      idempotencyKey: followUpKeyOf(original),
      noticeId: noticeIdOf(`${original.idempotencyKey}#protection`),
      state: 'ready',
      outcome: 'pending',
      enrollmentId: 'E-9',
      needsEnrollment: false,
      releasedAt: kit.now,
      sourcePartition: null,
    });
    expect(sut.notice.referenceCode).not.toBe(original.referenceCode);
  });

  it('goes to the recipients of the original, at its priority', () => {
    const sut = planProtectionFollowUp(aNotice(), 'E-9', [recipient], kit);
    expect(sut.deliveries).toEqual([
      expect.objectContaining({ channel: 'sms', priority: 1, state: 'queued', noticeId: sut.notice.noticeId }),
    ]);
  });

  it('is unreachable when the original had no recipient left', () => {
    expect(planProtectionFollowUp(aNotice(), 'E-9', [], kit).notice.outcome).toBe('unreachable');
  });

  it('logs that it was queued, naming the notice that owed it', () => {
    const original = aNotice();
    const [entry] = planProtectionFollowUp(original, 'E-9', [recipient], kit).log.map((message) =>
      decodeBinary(NotificationLogEntrySchema, message.payload),
    );
    expect(entry).toMatchObject({ kind: LogEntryKind.NOTICE_QUEUED, status: 'ready' });
    expect(entry?.detail).toContain(original.noticeId);
  });
});
