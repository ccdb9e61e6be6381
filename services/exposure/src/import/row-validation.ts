import { normalizeCnic, normalizeEmail, normalizeMsisdn, PiiErrorCode, PiiValidationError } from '@bnp/pii';
import type { AccountStatus, Language } from '../directory/directory.enums';
import { LineType, Region } from '@bnp/contracts';
import type { CsvHeader } from './csv-header';
import {
  parseId,
  parseName,
  parseOwningSystem,
  parseDescription,
  parseLanguage,
  parseRegion,
  parseLineType,
  parseAccountStatus,
  parseCategories,
  parseTimestamp,
} from './field-parsers';
import { FieldProblem, RejectCode, type RowProblem, type RowResult } from './row-problem';

// The row rules build on the header, value and problem modules; importers of the import pipeline's validation
// reach them all through here.
export * from './csv-header';
export * from './field-parsers';
export * from './row-problem';

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
