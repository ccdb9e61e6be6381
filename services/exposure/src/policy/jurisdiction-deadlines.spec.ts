import { JurisdictionDeadlines } from './jurisdiction-deadlines';

describe(JurisdictionDeadlines.name, () => {
  const sut = JurisdictionDeadlines.load();
  const detectedAt = new Date('2026-12-04T10:00:00Z');

  it('stamps a Pakistani revision with the PTA 72-hour deadline from libs/obligations', () => {
    expect(sut.clockFor('PK', detectedAt)).toMatchObject({
      authority: 'Pakistan Telecommunication Authority (PTA)',
      deadlineAt: new Date('2026-12-07T10:00:00Z'),
      obligationId: 'pk-pdpb.regulator',
    });
  });

  it('stamps an EU revision with the NIS2 24-hour early warning, the first regulator clock', () => {
    expect(sut.clockFor('EU', detectedAt)?.deadlineAt).toEqual(new Date('2026-12-05T10:00:00Z'));
  });

  it('has no clock for a jurisdiction without rules', () => {
    expect(sut.clockFor('ZZ', detectedAt)).toBeNull();
  });
});
