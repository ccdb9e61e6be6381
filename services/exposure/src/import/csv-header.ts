import { DomainException } from '@bnp/errors';
import { ImportErrorCode } from './import.exception';

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
