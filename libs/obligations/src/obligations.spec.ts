import { OBLIGATIONS, parseObligationSet, primaryRegulator } from './obligations';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw data, mutated on purpose
const clone = (): any => JSON.parse(JSON.stringify(OBLIGATIONS));

describe(parseObligationSet.name, () => {
  const sut = parseObligationSet;

  it('accepts the shipped rule set', () => {
    expect(sut(clone()).version).toBe(OBLIGATIONS.version);
  });

  it('refuses a recipient that is not a regulator of the jurisdiction', () => {
    const data = clone();
    data.jurisdictions.PK.regimes[0].obligations[0].recipient = 'nobody';
    expect(() => sut(data)).toThrow("PK/pk-pdpb.regulator: unknown recipient 'nobody'");
  });

  it('refuses a clock that starts at an unknown step', () => {
    const data = clone();
    data.jurisdictions.EU.regimes[1].obligations[2].clockStartsAt = 'nis2.missing';
    expect(() => sut(data)).toThrow("EU/nis2.final: clock starts at unknown 'nis2.missing'");
  });

  it('refuses a status outside in-force, adopted and draft', () => {
    const data = clone();
    data.jurisdictions.IN.regimes[0].status = 'rumoured';
    expect(() => sut(data)).toThrow(/status/);
  });
});

describe(primaryRegulator.name, () => {
  const sut = (code: string) => primaryRegulator(OBLIGATIONS, code);

  it('names the regulator a notice refers to', () => {
    expect(sut('PK')?.name).toBe('Pakistan Telecommunication Authority');
    expect(sut('US')?.short).toBe('FCC');
    expect(sut('ZZ')).toBeNull();
  });
});
