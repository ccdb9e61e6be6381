import { isQuiet, karachiMinuteOfDay, parseQuietHours } from './quiet-hours';

describe(isQuiet.name, () => {
  const night = parseQuietHours('21-08');

  it('reads Pakistan time (UTC+5) regardless of the server time zone', () => {
    expect(karachiMinuteOfDay(new Date('2026-03-05T16:00:00Z'))).toBe(21 * 60);
    expect(karachiMinuteOfDay(new Date('2026-03-05T02:59:00Z'))).toBe(7 * 60 + 59);
  });

  it('holds notices from 21:00 to 08:00 in Karachi, across midnight', () => {
    expect(isQuiet(night, new Date('2026-03-05T15:59:00Z'))).toBe(false); // 20:59 PKT
    expect(isQuiet(night, new Date('2026-03-05T16:00:00Z'))).toBe(true); // 21:00 PKT
    expect(isQuiet(night, new Date('2026-03-05T21:30:00Z'))).toBe(true); // 02:30 PKT
    expect(isQuiet(night, new Date('2026-03-06T02:59:00Z'))).toBe(true); // 07:59 PKT
    expect(isQuiet(night, new Date('2026-03-06T03:00:00Z'))).toBe(false); // 08:00 PKT
  });

  it('supports a window within one day and can be switched off', () => {
    const lunch = parseQuietHours('13:30-14:15');
    expect(isQuiet(lunch, new Date('2026-03-05T08:45:00Z'))).toBe(true); // 13:45 PKT
    expect(isQuiet(lunch, new Date('2026-03-05T09:15:00Z'))).toBe(false); // 14:15 PKT
    expect(parseQuietHours('off')).toBeNull();
    expect(isQuiet(null, new Date('2026-03-05T21:30:00Z'))).toBe(false);
  });

  it('refuses windows it cannot read', () => {
    expect(() => parseQuietHours('9pm-8am')).toThrow(/HH/);
    expect(() => parseQuietHours('25-08')).toThrow(/0-23/);
    expect(() => parseQuietHours('08-08')).toThrow(/same/);
  });
});
