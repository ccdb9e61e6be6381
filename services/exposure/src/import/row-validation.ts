import { DomainException } from '@bnp/errors';
import { LineType, PiiCategory, Region } from '@bnp/contracts';
import { normalizeCnic, normalizeEmail, normalizeMsisdn, PiiErrorCode, PiiValidationError } from '@bnp/pii';
import { AccountStatus, Language } from '../directory/directory.enums';
import { ImportErrorCode } from './import.exception';

/** Why a row was not loaded; one code per problem, in the rejects report and on stderr. */
export enum RejectCode {
  MalformedCsv = 'MALFORMED_CSV',
  FieldCount = 'FIELD_COUNT',
  MissingValue = 'MISSING_VALUE',
  InvalidId = 'INVALID_ID',
  InvalidCnic = 'INVALID_CNIC',
  InvalidMsisdn = 'INVALID_MSISDN',
  InvalidEmail = 'INVALID_EMAIL',
  InvalidText = 'INVALID_TEXT',
  UnknownValue = 'UNKNOWN_VALUE',
  InvalidTimestamp = 'INVALID_TIMESTAMP',
  InvalidRange = 'INVALID_RANGE',
  /** The same key appears again later in the file; the later line wins. */
  DuplicateKey = 'DUPLICATE_KEY',
  /** Another subscriber that is not FORMER holds the MSISDN (in the file or in the directory). */
  NumberInUse = 'NUMBER_IN_USE',
  UnknownAsset = 'UNKNOWN_ASSET',
  UnknownSubscriber = 'UNKNOWN_SUBSCRIBER',
}

/** `message` never contains a full personal value: identifiers are masked, unknown values shown only when harmless. */
export interface RowProblem {
  field: string;
  code: RejectCode;
  message: string;
}

export type RowResult<T> =
  { ok: true; key: string; row: T } | { ok: false; key: string | undefined; problems: RowProblem[] };

/** A value that fails validation; thrown by the `parse*` functions and collected per row. */
export class FieldProblem extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
  ) {
    super(message);
    this.name = 'FieldProblem';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header

export interface CsvHeader<C extends string> {
  width: number;
  position: Record<C, number>;
}

const HEADER_NAME = /^[A-Za-z_][A-Za-z0-9_ ]{0,40}$/;

/** The header of fields given in `columns` order: headerless files, and values that do not come from a file. */
export function positionalHeader<C extends string>(columns: readonly C[]): CsvHeader<C> {
  return {
    width: columns.length,
    position: Object.fromEntries(columns.map((column, i) => [column, i])) as Record<C, number>,
  };
}

/**
 * Maps the documented columns to their positions. Order is free; every column must be present exactly once and no
 * other column is allowed, so a holdings file passed as subscribers (or a file without header) fails before any row.
 * @throws ImportException (INVALID_HEADER)
 */
export function readHeader<C extends string>(columns: readonly C[], fields: readonly string[]): CsvHeader<C> {
  const names = fields.map((field) => field.trim().toLowerCase());
  const problems: string[] = [];
  const missing = columns.filter((column) => !names.includes(column));
  if (missing.length > 0) problems.push(`missing column(s) ${missing.join(', ')}`);
  const known = new Set<string>(columns);
  if (names.includes('')) problems.push('an empty column name (a trailing comma?)');
  const unknown = names.filter((name) => name !== '' && !known.has(name));
  if (unknown.length > 0) {
    // A data row mistaken for a header would put personal data here: only name-like values are echoed.
    const shown = unknown.filter((name) => HEADER_NAME.test(name));
    problems.push(
      shown.length === unknown.length
        ? `unknown column(s) ${shown.join(', ')}`
        : `${unknown.length} unknown column(s) that do not look like column names (is the header line missing?)`,
    );
  }
  const repeated = [...new Set(names.filter((name, i) => names.indexOf(name) !== i && known.has(name)))];
  if (repeated.length > 0) problems.push(`repeated column(s) ${repeated.join(', ')}`);
  if (problems.length > 0) {
    throw new DomainException(
      ImportErrorCode.InvalidHeader,
      `line 1 must be the header ${columns.join(',')}: ${problems.join('; ')}`,
    );
  }
  const position = Object.fromEntries(columns.map((column) => [column, names.indexOf(column)])) as Record<C, number>;
  return { width: fields.length, position };
}

// ---------------------------------------------------------------------------------------------------------------
// Values

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
  return names.reduce((mask, name) => mask | (1 << parseCategory(name)), 0);
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

// ---------------------------------------------------------------------------------------------------------------
// Rows

/** Collects every problem of a row rather than stopping at the first, so one pass over the report fixes a row. */
class RowReader<C extends string> {
  readonly problems: RowProblem[] = [];

  constructor(
    private readonly fields: readonly string[],
    private readonly header: CsvHeader<C>,
  ) {}

  raw(column: C): string {
    return (this.fields[this.header.position[column]] ?? '').trim();
  }

  /**
   * The parsed value, or a placeholder once a problem is recorded: `result` never returns a row with problems,
   * so a placeholder cannot escape.
   */
  required<T>(column: C, parse: (value: string) => T): T {
    const value = this.raw(column);
    if (value === '') {
      this.problems.push({ field: column, code: RejectCode.MissingValue, message: 'is empty' });
      return undefined as T;
    }
    return this.parse(column, value, parse);
  }

  optional<T>(column: C, parse: (value: string) => T): T | null {
    const value = this.raw(column);
    return value === '' ? null : this.parse(column, value, parse);
  }

  check(column: C, ok: boolean, code: RejectCode, message: string): void {
    if (!ok) this.problems.push({ field: column, code, message });
  }

  result<T>(key: string | undefined, build: () => T): RowResult<T> {
    if (this.problems.length > 0 || key === undefined) return { ok: false, key, problems: this.problems };
    return { ok: true, key, row: build() };
  }

  private parse<T>(column: C, value: string, parse: (value: string) => T): T {
    try {
      return parse(value);
    } catch (error) {
      this.problems.push({ field: column, ...problemOf(error) });
      return undefined as T;
    }
  }
}

function problemOf(error: unknown): { code: RejectCode; message: string } {
  if (error instanceof FieldProblem) return { code: error.code, message: error.message };
  if (error instanceof PiiValidationError) {
    // The library's messages mask the value, so they are safe to report.
    const code =
      error.code === PiiErrorCode.InvalidMsisdn
        ? RejectCode.InvalidMsisdn
        : error.code === PiiErrorCode.InvalidCnic
          ? RejectCode.InvalidCnic
          : error.code === PiiErrorCode.InvalidEmail
            ? RejectCode.InvalidEmail
            : RejectCode.InvalidText;
    return { code, message: error.message };
  }
  throw error;
}

export const SUBSCRIBER_COLUMNS = [
  'subscriber_id',
  'cnic',
  'name',
  'msisdn',
  'email',
  'language',
  'region',
  'line_type',
  'account_status',
] as const;
export type SubscriberColumn = (typeof SUBSCRIBER_COLUMNS)[number];

/** A valid subscribers.csv row, normalized: CNIC 13 digits, MSISDN E.164, email lower case. */
export interface SubscriberRow {
  subscriberId: string;
  cnic: string;
  name: string;
  msisdn: string;
  email: string | null;
  language: Language;
  region: Region;
  lineType: LineType;
  accountStatus: AccountStatus;
}

export function validateSubscriberRow(
  fields: readonly string[],
  header: CsvHeader<SubscriberColumn>,
): RowResult<SubscriberRow> {
  const reader = new RowReader(fields, header);
  const subscriberId = reader.required('subscriber_id', parseId);
  const row: SubscriberRow = {
    subscriberId,
    cnic: reader.required('cnic', normalizeCnic),
    name: reader.required('name', parseName),
    msisdn: reader.required('msisdn', normalizeMsisdn),
    email: reader.optional('email', normalizeEmail),
    language: reader.required('language', parseLanguage),
    region: reader.required('region', parseRegion),
    lineType: reader.required('line_type', parseLineType),
    accountStatus: reader.required('account_status', parseAccountStatus),
  };
  return reader.result(subscriberId, () => row);
}

export const ASSET_COLUMNS = ['asset_id', 'owning_system', 'categories', 'description'] as const;
export type AssetColumn = (typeof ASSET_COLUMNS)[number];

export interface AssetRow {
  assetId: string;
  owningSystem: string;
  /** Bitmask of PiiCategory values. */
  categories: number;
  description: string;
}

export function validateAssetRow(fields: readonly string[], header: CsvHeader<AssetColumn>): RowResult<AssetRow> {
  const reader = new RowReader(fields, header);
  const assetId = reader.required('asset_id', parseId);
  const row: AssetRow = {
    assetId,
    owningSystem: reader.required('owning_system', parseOwningSystem),
    categories: reader.required('categories', parseCategories),
    description: reader.optional('description', parseDescription) ?? '',
  };
  return reader.result(assetId, () => row);
}

export const HOLDING_COLUMNS = ['asset_id', 'subscriber_id', 'region', 'records_from', 'records_to'] as const;
export type HoldingColumn = (typeof HOLDING_COLUMNS)[number];

export interface HoldingRow {
  assetId: string;
  subscriberId: string;
  region: Region;
  /** Epoch milliseconds. */
  recordsFrom: number;
  /** Null while the asset still receives records for this subscriber. */
  recordsTo: number | null;
}

export function validateHoldingRow(fields: readonly string[], header: CsvHeader<HoldingColumn>): RowResult<HoldingRow> {
  const reader = new RowReader(fields, header);
  const assetId = reader.required('asset_id', parseId);
  const subscriberId = reader.required('subscriber_id', parseId);
  const row: HoldingRow = {
    assetId,
    subscriberId,
    region: reader.required('region', parseRegion),
    recordsFrom: reader.required('records_from', parseTimestamp),
    recordsTo: reader.optional('records_to', parseTimestamp),
  };
  if (row.recordsFrom !== undefined && row.recordsTo !== null && row.recordsTo !== undefined) {
    reader.check('records_to', row.recordsTo >= row.recordsFrom, RejectCode.InvalidRange, 'is before records_from');
  }
  const key = assetId !== undefined && subscriberId !== undefined ? `${assetId}/${subscriberId}` : undefined;
  return reader.result(key, () => row);
}

/** Scope list kinds as the CLI names them; stored as breach.v1.ListKind. */
export type ScopeListKind = 'subscriber-ids' | 'msisdns';

/** One line of a scope list: a subscriber id as is, or an MSISDN normalized to E.164 (then blind-indexed). */
export function parseScopeListValue(kind: ScopeListKind, value: string): RowResult<string> {
  const field = kind === 'msisdns' ? 'msisdn' : 'subscriber_id';
  const trimmed = value.trim();
  if (trimmed === '')
    return { ok: false, key: undefined, problems: [{ field, code: RejectCode.MissingValue, message: 'is empty' }] };
  try {
    const parsed = kind === 'msisdns' ? normalizeMsisdn(trimmed) : parseId(trimmed);
    return { ok: true, key: kind === 'msisdns' ? '' : parsed, row: parsed };
  } catch (error) {
    return { ok: false, key: undefined, problems: [{ field, ...problemOf(error) }] };
  }
}
