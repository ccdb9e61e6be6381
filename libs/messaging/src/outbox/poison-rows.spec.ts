import { nextStepForFailedRow } from './poison-rows';

describe(nextStepForFailedRow.name, () => {
  const policy = { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 5000 };
  const sut = (attempts: number) => nextStepForFailedRow(attempts, policy);

  it('retries with a doubling delay, capped', () => {
    expect([1, 2, 3, 4].map(sut)).toEqual([
      { park: false, retryInMs: 1000 },
      { park: false, retryInMs: 2000 },
      { park: false, retryInMs: 4000 },
      { park: false, retryInMs: 5000 },
    ]);
  });

  it('parks the row at the last attempt and after', () => {
    expect(sut(5)).toEqual({ park: true });
    expect(sut(6)).toEqual({ park: true });
  });

  it('parks at once when one attempt is all the policy allows', () => {
    expect(nextStepForFailedRow(1, { ...policy, maxAttempts: 1 })).toEqual({ park: true });
  });
});
