import { addBusinessDays, addMonths, describeDue } from './due-date';

describe(addBusinessDays.name, () => {
  const sut = addBusinessDays;

  it('skips Saturday and Sunday', () => {
    expect(sut(new Date('2026-12-04T10:00:00Z'), 1).toISOString()).toBe('2026-12-07T10:00:00.000Z');
    expect(sut(new Date('2026-12-05T10:00:00Z'), 5).toISOString()).toBe('2026-12-11T10:00:00.000Z');
  });
});

describe(addMonths.name, () => {
  const sut = addMonths;

  it('clamps to the end of a shorter month', () => {
    expect(sut(new Date('2027-01-31T12:00:00Z'), 1).toISOString()).toBe('2027-02-28T12:00:00.000Z');
    expect(sut(new Date('2026-12-07T10:00:00Z'), 1).toISOString()).toBe('2027-01-07T10:00:00.000Z');
  });
});

describe(describeDue.name, () => {
  const sut = describeDue;

  it('reads as the rule is written', () => {
    expect(sut({ hours: 72 })).toBe('72 hours');
    expect(sut({ businessDays: 7 })).toBe('7 business days');
    expect(sut({ months: 1 })).toBe('one month');
    expect(sut({ withoutUndueDelay: true })).toBe('without undue delay');
    expect(sut({ withoutUndueDelay: true, notLaterThan: { days: 30 } })).toBe('without undue delay (at most 30 days)');
  });
});
