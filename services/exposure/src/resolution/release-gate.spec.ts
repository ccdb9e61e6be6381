import { decideRelease } from './release-gate';

describe(decideRelease.name, () => {
  const sut = (revisionPeople: number, reporterPeopleInWindow = 0, dryRun = false) =>
    decideRelease({ revisionPeople, reporterPeopleInWindow, threshold: 10_000, dryRun });

  it('releases a small revision from a reporter with little in the window', () => {
    expect(sut(9000, 1000)).toEqual({ held: false });
  });

  it('holds a revision that alone exceeds the threshold', () => {
    expect(sut(10_001)).toEqual({ held: true, reason: '10001 people to notify exceeds the gate threshold of 10000' });
  });

  it('holds a small revision once the reporter would pass the threshold in the window', () => {
    expect(sut(9000, 9000)).toEqual({
      held: true,
      reason: '9000 people to notify bring the reporter to 18000 in the gate window, over the threshold of 10000',
    });
    expect(sut(1, 10_000).held).toBe(true);
  });

  it('counts fifty incidents of 9,000 people: only the first is released', () => {
    let window = 0;
    const released = Array.from({ length: 50 }, () => {
      const decision = sut(9000, window);
      window += 9000; // held revisions count too: they wait to be sent
      return !decision.held;
    });
    expect(released.filter(Boolean)).toHaveLength(1);
  });

  it('releases a revision that notifies nobody new, and never sends a dry run', () => {
    expect(sut(0, 50_000)).toEqual({ held: false });
    expect(sut(1, 0, true)).toEqual({ held: true, reason: 'dry run: computed, never sent' });
  });
});
