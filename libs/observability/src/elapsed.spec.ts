import { secondsSince } from './elapsed';

describe('secondsSince', () => {
  it('turns nanoseconds since a reading into seconds', () => {
    const twoSecondsAgo = process.hrtime.bigint() - 2_000_000_000n;
    const elapsed = secondsSince(twoSecondsAgo);
    expect(elapsed).toBeGreaterThanOrEqual(2);
    expect(elapsed).toBeLessThan(3);
  });
});
