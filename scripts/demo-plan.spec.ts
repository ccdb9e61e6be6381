import { busyNote, DEFAULT_SUBSCRIBERS, estimateDemo, formatMinutes, parseDemoOptions } from './demo-plan';

describe(parseDemoOptions.name, () => {
  const sut = parseDemoOptions;

  it('runs the default operator with an hour to settle when given no options', () => {
    expect(sut([])).toEqual({ subscribers: DEFAULT_SUBSCRIBERS, timeoutSeconds: 3600, report: undefined });
  });

  it('takes the full show and a report', () => {
    expect(sut(['--subscribers', '200000', '--timeout', '900', '--report', 'BALTIK-1'])).toEqual({
      subscribers: 200_000,
      timeoutSeconds: 900,
      report: 'BALTIK-1',
    });
  });

  it.each([['0'], ['-5'], ['2e5x'], ['1.5']])('refuses --subscribers %s, naming the option', (value) => {
    expect(() => sut([`--subscribers=${value}`])).toThrow(/--subscribers must be a positive integer/);
  });

  it('refuses an unknown option', () => {
    expect(() => sut(['--subscriber', '10'])).toThrow(/Unknown option '--subscriber'/);
  });
});

describe(estimateDemo.name, () => {
  const sut = estimateDemo;

  it('keeps the default run within five minutes on the development machine', () => {
    expect(sut(DEFAULT_SUBSCRIBERS, false).total).toBeLessThanOrEqual(300);
  });

  it('grows with the operator: the full show takes about three times as long', () => {
    const small = sut(DEFAULT_SUBSCRIBERS, true).total;
    const full = sut(200_000, true).total;
    expect(full / small).toBeGreaterThan(2.5);
    expect(full).toBeGreaterThan(10 * 60);
  });

  it('adds generation and the first import only when the operator is not cached yet', () => {
    const fresh = sut(DEFAULT_SUBSCRIBERS, false);
    const cached = sut(DEFAULT_SUBSCRIBERS, true);
    expect(cached.generate).toBe(0);
    expect(fresh.total - cached.total).toBeCloseTo(fresh.generate + fresh.import - cached.import);
    expect(fresh.total).toBeCloseTo(fresh.stack + fresh.generate + fresh.import + fresh.revisions + fresh.notices);
  });
});

describe(formatMinutes.name, () => {
  it.each([
    [42.4, '42 s'],
    [89, '89 s'],
    [270, '4.5 min'],
  ])('shows %s seconds as %s', (seconds, shown) => {
    expect(formatMinutes(seconds)).toBe(shown);
  });
});

describe(busyNote.name, () => {
  it('says nothing on a machine with a core or two of other work', () => {
    expect(busyNote(3.9, 2)).toBe('');
  });

  it('warns, with the load, when other work outnumbers the cores twice over', () => {
    expect(busyNote(25.4, 2)).toBe(' The machine is busy (load average 25 on 2 cores): expect longer.');
  });
});
