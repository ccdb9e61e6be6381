import { VERIFIED_CALL_MS, verifiedCallerProblem } from './verified-caller';

describe(verifiedCallerProblem.name, () => {
  const sut = verifiedCallerProblem;
  const now = new Date('2026-12-08T10:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('lets an agent act for the person whose caller read the code back during this call', () => {
    expect(sut({ personId: 'p1', verifiedAt: ago(60_000) }, 'p1', now)).toBeNull();
    expect(sut({ personId: 'p1', verifiedAt: ago(VERIFIED_CALL_MS) }, 'p1', now)).toBeNull();
  });

  it("refuses another person's verification, one not read back, and one from an earlier call", () => {
    expect(sut({ personId: 'p2', verifiedAt: ago(1000) }, 'p1', now)).toMatch(/no verification of this person/);
    expect(sut(null, 'p1', now)).toMatch(/no verification of this person/);
    expect(sut({ personId: 'p1', verifiedAt: null }, 'p1', now)).toMatch(/not read the care code back/);
    expect(sut({ personId: 'p1', verifiedAt: ago(VERIFIED_CALL_MS + 1) }, 'p1', now)).toMatch(/earlier call/);
  });
});
