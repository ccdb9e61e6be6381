/** Hours of the day, in Asia/Karachi time, when LOW and MEDIUM notices are held back. */
export interface QuietHours {
  /** Minutes after local midnight when the quiet period starts. */
  startMinute: number;
  /** Minutes after local midnight when it ends (may be earlier than the start: it wraps past midnight). */
  endMinute: number;
}

export const NOTICE_TIME_ZONE = 'Asia/Karachi';

const localTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: NOTICE_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "21-08", "21:30-07:45", or "off" (null). */
export function parseQuietHours(spec: string): QuietHours | null {
  const text = spec.trim().toLowerCase();
  if (text === 'off' || text === 'none') return null;
  const match = /^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error('expected "HH[:MM]-HH[:MM]" in Asia/Karachi time, or "off"');
  const minute = (hours: string | undefined, minutes: string | undefined) => {
    const h = Number(hours);
    const m = Number(minutes ?? '0');
    if (h > 23 || m > 59) throw new Error('hours are 0-23 and minutes 0-59');
    return h * 60 + m;
  };
  const startMinute = minute(match[1], match[2]);
  const endMinute = minute(match[3], match[4]);
  if (startMinute === endMinute) throw new Error('start and end are the same; use "off" to disable');
  return { startMinute, endMinute };
}

/** Minutes after midnight in Pakistan for `at`. */
export function karachiMinuteOfDay(at: Date): number {
  const parts = localTime.formatToParts(at);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? '0');
  const minute = Number(parts.find((part) => part.type === 'minute')?.value ?? '0');
  return hour * 60 + minute;
}

export function isQuiet(quietHours: QuietHours | null, at: Date): boolean {
  if (!quietHours) return false;
  const now = karachiMinuteOfDay(at);
  const { startMinute, endMinute } = quietHours;
  return startMinute < endMinute ? now >= startMinute && now < endMinute : now >= startMinute || now < endMinute;
}
