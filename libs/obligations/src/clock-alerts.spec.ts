import { newAlerts, readClock } from './clock-alerts';

const startsAt = new Date('2026-12-04T00:00:00Z');
const dueAt = new Date('2026-12-04T10:00:00Z'); // 10 hours allowed
const at = (hours: number) => new Date(startsAt.getTime() + hours * 3_600_000);

describe(readClock.name, () => {
  const sut = readClock;

  it('crosses 50%, 80% and 100% of the time elapsed while unfiled', () => {
    expect(sut(startsAt, dueAt, at(4.9), null)).toMatchObject({ state: 'running', crossed: [] });
    expect(sut(startsAt, dueAt, at(5), null)).toMatchObject({ state: 'running', crossed: [50], elapsedPercent: 50 });
    expect(sut(startsAt, dueAt, at(8), null).crossed).toEqual([50, 80]);
    expect(sut(startsAt, dueAt, at(10), null)).toMatchObject({
      state: 'overdue',
      crossed: [50, 80, 100],
      secondsLeft: 0,
    });
    expect(sut(startsAt, dueAt, at(12), null).secondsLeft).toBe(-7200);
  });

  it('stops when the report is filed in time', () => {
    expect(sut(startsAt, dueAt, at(12), at(6))).toMatchObject({ state: 'filed', crossed: [], elapsedPercent: 60 });
  });

  it('keeps the 100% mark of a report filed late', () => {
    expect(sut(startsAt, dueAt, at(12), at(11))).toMatchObject({ state: 'filed', crossed: [100] });
  });

  it('has no clock for "without undue delay"', () => {
    expect(sut(startsAt, null, at(1), null)).toEqual({
      state: 'no-deadline',
      elapsedPercent: null,
      crossed: [],
      secondsLeft: null,
    });
  });
});

describe(newAlerts.name, () => {
  const sut = newAlerts;

  it('alerts each threshold once', () => {
    expect(sut(readClock(startsAt, dueAt, at(8.5), null), [50])).toEqual([80]);
    expect(sut(readClock(startsAt, dueAt, at(8.5), null), [50, 80])).toEqual([]);
  });

  it('never alerts a filed report', () => {
    expect(sut(readClock(startsAt, dueAt, at(12), at(11)), [])).toEqual([]);
  });
});
