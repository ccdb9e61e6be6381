import { LineType, PiiCategory, Region } from '@bnp/contracts';
import { AccountStatus, Language } from '../directory/directory.enums';
import { categoryBit } from '../policy/categories';
import { FieldProblem, RejectCode } from './row-problem';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LETTER = /\p{L}/u;
const MAX_NAME_CHARS = 200;
const MAX_OWNING_SYSTEM_CHARS = 200;
const MAX_DESCRIPTION_CHARS = 2000;

/** Subscriber and asset ids: 1-128 of letters, digits and `. _ : / -`, starting with a letter or digit. */
export function parseId(value: string): string {
  if (!ID.test(value)) {
    throw new FieldProblem(
      RejectCode.InvalidId,
      'must be 1-128 letters, digits or . _ : / - (starting with a letter or digit)',
    );
  }
  return value;
}

/** NFC, runs of spaces collapsed; any script (Urdu names stay in Urdu). Never echoed: it is personal data. */
export function parseName(value: string): string {
  const name = value.normalize('NFC').replace(/ {2,}/g, ' ');
  if (CONTROL.test(name)) throw new FieldProblem(RejectCode.InvalidText, 'contains a line break or control character');
  if (name.includes('\ufffd')) throw new FieldProblem(RejectCode.InvalidText, 'is not valid UTF-8');
  if (!LETTER.test(name)) throw new FieldProblem(RejectCode.InvalidText, 'contains no letter');
  if ([...name].length > MAX_NAME_CHARS) {
    throw new FieldProblem(RejectCode.InvalidText, `is longer than ${MAX_NAME_CHARS} characters`);
  }
  return name;
}

export function parseOwningSystem(value: string): string {
  if (CONTROL.test(value)) throw new FieldProblem(RejectCode.InvalidText, 'contains a line break or control character');
  if (value.length > MAX_OWNING_SYSTEM_CHARS) {
    throw new FieldProblem(RejectCode.InvalidText, `is longer than ${MAX_OWNING_SYSTEM_CHARS} characters`);
  }
  return value;
}

/** Free text; line breaks and tabs are fine, other control characters (PostgreSQL rejects NUL) are not. */
export function parseDescription(value: string): string {
  if (CONTROL_EXCEPT_LINE_BREAKS.test(value))
    throw new FieldProblem(RejectCode.InvalidText, 'contains a control character');
  if (value.length > MAX_DESCRIPTION_CHARS) {
    throw new FieldProblem(RejectCode.InvalidText, `is longer than ${MAX_DESCRIPTION_CHARS} characters`);
  }
  return value;
}

const LANGUAGES: readonly Language[] = ['ur', 'en'];

export function parseLanguage(value: string): Language {
  const language = value.toLowerCase();
  if (!(LANGUAGES as readonly string[]).includes(language)) {
    throw new FieldProblem(RejectCode.UnknownValue, `unknown language ${shown(value)}; expected ur or en`);
  }
  return language as Language;
}

/** Upper case, spaces and hyphens as underscores, an optional protobuf prefix: `Khyber Pakhtunkhwa` works. */
function enumParser<T extends number>(label: string, values: Record<string, T>, protoPrefix: string) {
  const names = Object.keys(values);
  return (value: string): T => {
    const key = value.toUpperCase().replace(/[\s-]+/g, '_');
    const found = values[key.startsWith(protoPrefix) ? key.slice(protoPrefix.length) : key];
    if (found === undefined) {
      throw new FieldProblem(
        RejectCode.UnknownValue,
        `unknown ${label} ${shown(value)}; expected one of ${names.join(', ')}`,
      );
    }
    return found;
  };
}

/** Names of a generated protobuf enum without UNSPECIFIED, e.g. { PUNJAB: 1, ... }. */
function protoEnumNames<T extends number>(enumObject: Record<string, string | number>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(enumObject).filter(([, value]) => typeof value === 'number' && value !== 0),
  ) as Record<string, T>;
}

export const REGION_NAMES = protoEnumNames<Region>(Region);
export const LINE_TYPE_NAMES = protoEnumNames<LineType>(LineType);
export const ACCOUNT_STATUS_NAMES: Record<string, AccountStatus> = {
  ACTIVE: AccountStatus.Active,
  SUSPENDED: AccountStatus.Suspended,
  FORMER: AccountStatus.Former,
};
export const CATEGORY_NAMES = protoEnumNames<PiiCategory>(PiiCategory);

export const parseRegion = enumParser('region', REGION_NAMES, 'REGION_');
export const parseLineType = enumParser('line type', LINE_TYPE_NAMES, 'LINE_TYPE_');
export const parseAccountStatus = enumParser('account status', ACCOUNT_STATUS_NAMES, 'ACCOUNT_STATUS_');
const parseCategory = enumParser('PII category', CATEGORY_NAMES, 'PII_CATEGORY_');

/** `NAME|CNIC|MSISDN` -> bitmask with bit n set for PiiCategory n (the assets.categories encoding). */
export function parseCategories(value: string): number {
  const names = value
    .split('|')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new FieldProblem(RejectCode.MissingValue, 'lists no category');
  return names.reduce((mask, name) => mask | categoryBit(parseCategory(name)), 0);
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?))?$/i;
const MS_PER_MINUTE = 60_000;
// Holdings repeat a few thousand distinct timestamps millions of times; parsing each once keeps validation cheap.
const timestampCache = new Map<string, number>();
const TIMESTAMP_CACHE_LIMIT = 100_000;

/**
 * ISO-8601 date (`2023-01-01`, read as 00:00 UTC) or date-time with an explicit offset (`2023-01-01T05:00:00+05:00`,
 * `...Z`). A date-time without offset is ambiguous (UTC or Pakistan time?) and rejected. Returns epoch milliseconds.
 */
export function parseTimestamp(value: string): number {
  const cached = timestampCache.get(value);
  if (cached !== undefined) return cached;
  const parsed = parseTimestampUncached(value);
  if (timestampCache.size >= TIMESTAMP_CACHE_LIMIT) timestampCache.clear();
  timestampCache.set(value, parsed);
  return parsed;
}

function parseTimestampUncached(value: string): number {
  const match = ISO_TIMESTAMP.exec(value);
  const invalid = () =>
    new FieldProblem(
      RejectCode.InvalidTimestamp,
      `${shown(value)} is not an ISO-8601 date (2023-01-31) or date-time with offset (2023-01-31T10:00:00Z)`,
    );
  if (!match) throw invalid();
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  if (hour !== undefined && offset === undefined) {
    throw new FieldProblem(RejectCode.InvalidTimestamp, `${shown(value)} has a time but no offset (add Z or +05:00)`);
  }
  const parts = [year, month, day, hour ?? '0', minute ?? '0', second ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = parts;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(utc);
  const valid =
    y >= 1900 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60;
  if (!valid) throw invalid();
  return utc - offsetMinutes(offset ?? 'Z', invalid) * MS_PER_MINUTE;
}

function offsetMinutes(offset: string, invalid: () => FieldProblem): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 14 || minutes > 59) throw invalid();
  return sign * (hours * 60 + minutes);
}

/** Echoes a rejected value only when it cannot be personal data (a short word); otherwise only its length. */
function shown(value: string): string {
  return /^[A-Za-z][A-Za-z _-]{0,31}$/.test(value) ? `'${value}'` : `(${[...value].length} characters, not shown)`;
}
