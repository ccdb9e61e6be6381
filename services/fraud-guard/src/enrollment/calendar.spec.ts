import { addMonths } from './calendar';

describe(addMonths.name, () => {
  it('gives the same day twelve months on', () => {
    expect(addMonths(new Date('2026-03-05T10:00:00Z'), 12).toISOString()).toBe('2027-03-05T10:00:00.000Z');
  });

  it('clamps to the last day of a shorter month', () => {
    expect(addMonths(new Date('2026-01-31T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addMonths(new Date('2028-01-31T00:00:00Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});
