import { retryDelayMs } from './retry-delay';

describe(retryDelayMs.name, () => {
  const sut = retryDelayMs;

  it('doubles from the first delay up to the cap, and never stops', () => {
    expect([1, 2, 3, 4].map((attempt) => sut(attempt, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
    expect(sut(500, 1000, 60_000)).toBe(60_000);
  });
});
