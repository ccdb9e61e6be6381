import { LogEntryKind, NotificationLogEntrySchema, RiskTier, decodeBinary } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { noticeIdOf } from '../shared/ids';
import { aNumber, anExposure, kit } from './notice.factory';
import { noticeStateOf, planNotice, type PlanContext } from './notice-plan';

const source = { partition: 3, offset: '1200' };
const first: PlanContext = { others: [], olderAttempted: false, enrollmentId: null };
const older = { noticeId: 'n-older', idempotencyKey: 'INC-1:P-1:r1', kind: 'notice' as const, revision: 1 };
const newer = { noticeId: 'n-newer', idempotencyKey: 'INC-1:P-1:r3', kind: 'notice' as const, revision: 3 };

function entries(log: OutboxMessage[]) {
  return log.map((message) => decodeBinary(NotificationLogEntrySchema, message.payload));
}

describe(noticeStateOf.name, () => {
  it.each([
    ['a first exposure', anExposure(), first, 'ready'],
    ['a dry run, whatever else holds', anExposure({ dryRun: true, needsEnrollment: true }), first, 'dry_run'],
    [
      'a revision older than one already noticed',
      anExposure({ revision: 2 }),
      { ...first, others: [newer] },
      'superseded',
    ],
    [
      'a retraction of a notice that never went out',
      anExposure({ change: 'retracted', revision: 2 }),
      { ...first, others: [older] },
      'not_needed',
    ],
    [
      'a retraction after an attempt',
      anExposure({ change: 'retracted', revision: 2 }),
      { ...first, others: [older], olderAttempted: true },
      'ready',
    ],
    [
      'a retraction of a notice the operator already sent',
      anExposure({ change: 'retracted', noticeAlreadySent: true }),
      first,
      'ready',
    ],
    [
      'a notice that needs an enrollment not yet received',
      anExposure({ needsEnrollment: true }),
      first,
      'awaiting_enrollment',
    ],
    [
      'a notice whose enrollment is already here',
      anExposure({ needsEnrollment: true }),
      { ...first, enrollmentId: 'E-1' },
      'ready',
    ],
  ] as const)('%s is %s', (_case, exposure, context, state) => {
    expect(noticeStateOf(exposure, context)).toBe(state);
  });
});

describe(planNotice.name, () => {
  it('queues a ready notice with one delivery per channel and logs it as queued', () => {
    const sut = planNotice(anExposure(), source, first, kit);
    expect(sut.notice).toMatchObject({
      noticeId: noticeIdOf('INC-1:P-1:r1'),
      state: 'ready',
      outcome: 'pending',
      releasedAt: kit.now,
      enrollmentDeadline: null,
      sourcePartition: 3,
      sourceOffset: '1200',
    });
    expect(sut.deliveries.map((row) => [row.channel, row.state])).toEqual([
      ['sms', 'queued'],
      ['email', 'queued'],
    ]);
    expect(entries(sut.log)).toEqual([
      expect.objectContaining({ kind: LogEntryKind.NOTICE_QUEUED, status: 'ready', subjectId: sut.notice.noticeId }),
    ]);
    expect(sut.sends).toBe(true);
  });

  it('seals the email on the notice under the notice aad, never in the clear', () => {
    const sut = planNotice(anExposure(), source, first, kit);
    expect(sut.notice.emailCiphertext?.toString()).toBe(`notify:notice:${sut.notice.noticeId}/email|ayesha@example.pk`);
    expect(sut.notice.emailMasked).toBe('a***@example.pk');
  });

  it('holds a notice for its enrollment until the deadline, its deliveries waiting', () => {
    const sut = planNotice(anExposure({ needsEnrollment: true }), source, first, kit);
    expect(sut.notice.state).toBe('awaiting_enrollment');
    expect(sut.notice.enrollmentDeadline).toEqual(new Date(kit.now.getTime() + kit.enrollmentMaxWaitMs));
    expect(sut.notice.releasedAt).toBeNull();
    expect(sut.deliveries.every((row) => row.state === 'waiting')).toBe(true);
    expect(sut.wake).toBe(false);
  });

  it('ignores an enrollment id for an exposure that needs none', () => {
    const sut = planNotice(anExposure(), source, { ...first, enrollmentId: 'E-1' }, kit);
    expect(sut.notice.enrollmentId).toBeNull();
  });

  it('records a person with no valid number and no email as unreachable, settled at once', () => {
    const exposure = anExposure({ numbers: [aNumber({ e164: null, raw: '12345' })], email: null });
    const sut = planNotice(exposure, source, first, kit);
    expect(sut.notice).toMatchObject({ state: 'ready', outcome: 'unreachable', settledAt: kit.now });
    expect(sut.deliveries).toEqual([expect.objectContaining({ state: 'rejected', errorCode: 'INVALID_MSISDN' })]);
    expect(entries(sut.log).map((entry) => entry.kind)).toEqual([LogEntryKind.NOTICE_QUEUED, LogEntryKind.UNREACHABLE]);
  });

  it('records a dry run with deliveries that never send and no outcome to wait for', () => {
    const sut = planNotice(anExposure({ dryRun: true }), source, first, kit);
    expect(sut.notice).toMatchObject({ state: 'dry_run', outcome: 'none' });
    expect(sut.deliveries.every((row) => row.state === 'dry_run')).toBe(true);
    expect(sut.wake).toBe(false);
  });

  it('builds no deliveries for a superseded notice and does not count it as sending', () => {
    const sut = planNotice(anExposure({ revision: 2 }), source, { ...first, others: [newer] }, kit);
    expect(sut.deliveries).toEqual([]);
    expect(sut.notice.outcome).toBe('none');
    expect(sut.sends).toBe(false);
  });

  it.each([
    [RiskTier.CRITICAL, true],
    [RiskTier.HIGH, true],
    [RiskTier.MEDIUM, false],
    [RiskTier.LOW, false],
  ])('wakes the schedulers for tier %s: %s', (tier, wake) => {
    expect(planNotice(anExposure({ tier }), source, first, kit).wake).toBe(wake);
  });
});
