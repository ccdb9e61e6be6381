import { SlidingWindowLimiter } from './sliding-window-limiter';

describe(SlidingWindowLimiter.name, () => {
  it('allows the limit within the window, then says when to retry', () => {
    const sut = new SlidingWindowLimiter(3, 60_000);
    expect([sut.take('ip-1', 0), sut.take('ip-1', 1000), sut.take('ip-1', 2000)]).toEqual([0, 0, 0]);
    expect(sut.take('ip-1', 3000)).toBe(57);
    expect(sut.take('ip-2', 3000)).toBe(0);
  });

  it('allows again once the oldest attempt left the window', () => {
    const sut = new SlidingWindowLimiter(2, 10_000);
    sut.take('k', 0);
    sut.take('k', 5000);
    expect(sut.take('k', 9000)).toBe(1);
    expect(sut.take('k', 10_001)).toBe(0);
  });

  it('forgets the least recently used key beyond its capacity', () => {
    const sut = new SlidingWindowLimiter(1, 60_000, 2);
    sut.take('a', 0);
    sut.take('b', 0);
    sut.take('c', 0);
    expect(sut.take('a', 1)).toBe(0);
    expect(sut.take('c', 1)).toBeGreaterThan(0);
  });
});
