import {
  backoffMs,
  permitStillValid,
  reconcileVerdict,
  retryOrGiveUp,
  smsAnswerTransition,
  type AttemptHolder,
  type AttemptPolicy,
} from './attempt-rules';

const policy = (overrides: Partial<AttemptPolicy> = {}): AttemptPolicy => ({
  maxAttempts: 5,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  reconcileGraceMs: 30_000,
  ...overrides,
});

const holder = (overrides: Partial<AttemptHolder> = {}): AttemptHolder => ({
  delivery_id: '00000000-0000-4000-8000-000000000001',
  lease_id: '00000000-0000-4000-8000-0000000000aa',
  attempts: 1,
  ...overrides,
});

describe(backoffMs.name, () => {
  it('doubles per attempt between half and all of the ceiling, capped at the maximum', () => {
    expect(backoffMs(1, policy(), () => 0)).toBe(500);
    expect(backoffMs(1, policy(), () => 1)).toBe(1000);
    expect(backoffMs(3, policy(), () => 1)).toBe(4000);
    expect(backoffMs(20, policy(), () => 1)).toBe(60_000);
  });
});

describe(retryOrGiveUp.name, () => {
  it('queues again under the same claim with a backoff while attempts are left', () => {
    const sut = retryOrGiveUp(holder({ attempts: 1 }), '20429', 'Too Many Requests', policy(), () => 1);

    expect(sut).toMatchObject({ state: 'queued', leaseId: holder().lease_id, errorCode: '20429', delayMs: 2000 });
  });

  it('fails the delivery at the last attempt', () => {
    const sut = retryOrGiveUp(holder({ attempts: 4 }), '20429', 'Too Many Requests', policy());

    expect(sut).toMatchObject({ state: 'failed', errorDetail: 'gave up after 5 attempts: Too Many Requests' });
  });
});

describe(smsAnswerTransition.name, () => {
  it('records an accepted message with its SID and the segments Twilio counted', () => {
    const sut = smsAnswerTransition(
      holder(),
      { kind: 'accepted', sid: 'SM1', status: 'queued', segments: 3 },
      2,
      policy(),
    );

    expect(sut).toEqual({
      deliveryId: holder().delivery_id,
      leaseId: holder().lease_id,
      state: 'accepted',
      providerRef: 'SM1',
      providerStatus: 'queued',
      segments: 3,
    });
  });

  it('never retries a permanent refusal', () => {
    const sut = smsAnswerTransition(holder(), { kind: 'rejected', code: '21211', message: 'bad To' }, 1, policy());

    expect(sut).toMatchObject({ state: 'rejected', errorCode: '21211' });
    expect(sut.delayMs).toBeUndefined();
  });

  it('leaves an unknown outcome to reconciliation, a grace period after the lease it was sent under', () => {
    const sut = smsAnswerTransition(holder(), { kind: 'unknown', code: 'ECONNRESET', message: 'reset' }, 1, policy());

    expect(sut).toMatchObject({ state: 'unknown', errorCode: 'ECONNRESET', delayAfterLease: true });
    expect(sut.delayMs).toBeGreaterThanOrEqual(30_000);
  });

  it('scrubs numbers a provider message echoes', () => {
    const sut = smsAnswerTransition(
      holder(),
      { kind: 'rejected', code: '21211', message: "The 'To' number +923001234567 is not valid" },
      1,
      policy(),
    );

    expect(sut.errorDetail).not.toContain('3001234567');
  });
});

describe(reconcileVerdict.name, () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('adopts a message the list shows', () => {
    expect(reconcileVerdict({ found: true, absentSince: null, now, attempts: 1, policy: policy() })).toEqual({
      kind: 'adopt',
    });
  });

  it('never resends on a first miss: the list may lag, so it looks again a grace period later', () => {
    const sut = reconcileVerdict({ found: false, absentSince: null, now, attempts: 1, policy: policy() });

    expect(sut).toEqual({ kind: 'look-again', delayMs: 30_000, absentSince: now });
  });

  it('keeps looking while the first miss is younger than the grace period', () => {
    const sut = reconcileVerdict({ found: false, absentSince: ago(10_000), now, attempts: 1, policy: policy() });

    expect(sut).toEqual({ kind: 'look-again', delayMs: 20_000, absentSince: ago(10_000) });
  });

  it('resends after a second miss a full grace period after the first', () => {
    expect(reconcileVerdict({ found: false, absentSince: ago(30_000), now, attempts: 1, policy: policy() })).toEqual({
      kind: 'resend',
    });
  });

  it('gives up instead of resending when no attempt is left', () => {
    expect(reconcileVerdict({ found: false, absentSince: ago(60_000), now, attempts: 5, policy: policy() })).toEqual({
      kind: 'give-up',
    });
  });
});

describe(permitStillValid.name, () => {
  it('lets a request start only while its lease still covers two request timeouts', () => {
    expect(permitStillValid(0, 100, 4000, 800)).toBe(true);
    expect(permitStillValid(0, 2399, 4000, 800)).toBe(true);
    expect(permitStillValid(0, 2400, 4000, 800)).toBe(false);
  });
});
