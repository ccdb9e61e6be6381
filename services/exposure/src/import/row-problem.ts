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
