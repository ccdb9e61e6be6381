import { regulatorReportStatus } from './regulator-report-status';

describe(regulatorReportStatus.name, () => {
  const sut = regulatorReportStatus;
  const detectedAt = new Date('2026-12-04T10:00:00Z');

  it('is being prepared, due 72 hours after detection, while the PTA has no report', () => {
    expect(sut('PK', detectedAt, [])).toEqual({
      regulatorName: 'Pakistan Telecommunication Authority',
      regulatorNameUr: 'پاکستان ٹیلی کمیونیکیشن اتھارٹی',
      filedAt: null,
      dueAt: new Date('2026-12-07T10:00:00Z'),
    });
  });

  it('is filed at the earliest receipt of the named regulator, not of another one', () => {
    const status = sut('EU', detectedAt, [
      { regulatorId: 'csirt', filedAt: new Date('2026-12-04T12:00:00Z') },
      { regulatorId: 'lead-sa', filedAt: new Date('2026-12-06T09:00:00Z') },
      { regulatorId: 'lead-sa', filedAt: new Date('2026-12-05T09:00:00Z') },
    ]);
    expect(status?.regulatorName).toBe('lead data protection supervisory authority');
    expect(status?.filedAt).toEqual(new Date('2026-12-05T09:00:00Z'));
  });

  it('names no regulator where no rules exist', () => {
    expect(sut('ZZ', detectedAt, [])).toBeNull();
  });
});
