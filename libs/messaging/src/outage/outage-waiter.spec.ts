import pino from 'pino';
import { ClosedDuringOutageError, OutageWaiter, outagePauseMs } from './outage-waiter';

describe(outagePauseMs.name, () => {
  it('doubles from the first pause and never exceeds the longest', () => {
    const backoff = { initialMs: 1000, maxMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((attempt) => outagePauseMs(attempt, backoff))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe(OutageWaiter.name, () => {
  const log = pino({ level: 'silent' });
  const backoff = { initialMs: 5, maxMs: 20 };

  it('returns once the probe answers, probing again after each failure', async () => {
    const answers = [new Error('connect ECONNREFUSED'), new Error('connect ECONNREFUSED')];
    let probes = 0;
    const sut = new OutageWaiter(
      {
        backoff,
        probe: () => {
          probes += 1;
          const next = answers.shift();
          return next ? Promise.reject(next) : Promise.resolve();
        },
      },
      log,
      () => false,
    );
    await sut.waitOut('network ECONNREFUSED', {}, () => Promise.resolve());
    expect(probes).toBe(3);
  });

  it('counts a probe that does not answer by its deadline as failed', async () => {
    let probes = 0;
    const sut = new OutageWaiter(
      {
        backoff,
        probeTimeoutMs: 20,
        probe: () => (++probes === 1 ? new Promise(() => undefined) : Promise.resolve()),
      },
      log,
      () => false,
    );
    await sut.waitOut('postgres 57P03 cannot connect now', {}, () => Promise.resolve());
    expect(probes).toBe(2);
  });

  it('gives the message back uncommitted when the consumer closes mid-outage', async () => {
    let closing = false;
    const sut = new OutageWaiter({ backoff, probe: () => Promise.reject(new Error('down')) }, log, () => closing);
    const waiting = sut.waitOut('network ECONNREFUSED', {}, () => Promise.resolve());
    closing = true;
    await expect(waiting).rejects.toThrow(ClosedDuringOutageError);
  });
});
