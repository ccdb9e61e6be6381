import { LineType, PiiCategory, Region } from '@bnp/contracts';
import { AccountStatus } from '../directory/directory.enums';
import { DomainException } from '@bnp/errors';
import { ImportErrorCode, type ImportException } from './import.exception';
import {
  ASSET_COLUMNS,
  HOLDING_COLUMNS,
  parseScopeListValue,
  parseTimestamp,
  readHeader,
  RejectCode,
  RowResult,
  SUBSCRIBER_COLUMNS,
  validateAssetRow,
  validateHoldingRow,
  validateSubscriberRow,
} from './row-validation';

const subscriberHeader = readHeader(SUBSCRIBER_COLUMNS, [...SUBSCRIBER_COLUMNS]);

/** A valid subscribers.csv row as a user would write it; override any column. */
function subscriberFields(overrides: Partial<Record<(typeof SUBSCRIBER_COLUMNS)[number], string>> = {}): string[] {
  const row = {
    subscriber_id: 'SUB-1',
    cnic: '35202-1234567-1',
    name: 'Muhammad Ahmed Khan',
    msisdn: '0300-1234567',
    email: 'Ahmed.Khan@Example.COM',
    language: 'ur',
    region: 'PUNJAB',
    line_type: 'CONSUMER',
    account_status: 'ACTIVE',
    ...overrides,
  };
  return SUBSCRIBER_COLUMNS.map((column) => row[column]);
}

function problemsOf<T>(result: RowResult<T>) {
  if (result.ok) throw new Error('expected the row to be rejected');
  return result.problems;
}

describe(readHeader.name, () => {
  it('maps columns in any order, ignoring case and surrounding spaces', () => {
    const sut = readHeader(ASSET_COLUMNS, [' Description', 'ASSET_ID', 'categories', 'owning_system']);
    expect(sut).toEqual({ width: 4, position: { description: 0, asset_id: 1, categories: 2, owning_system: 3 } });
  });

  it('names missing, unknown and repeated columns', () => {
    const attempt = () => readHeader(ASSET_COLUMNS, ['asset_id', 'asset_id', 'categories', 'owner']);
    expect(attempt).toThrow(DomainException);
    expect(attempt).toThrow(
      /missing column\(s\) owning_system, description; unknown column\(s\) owner; repeated column\(s\) asset_id/,
    );
  });

  it('does not echo a data row mistaken for a header', () => {
    try {
      readHeader(SUBSCRIBER_COLUMNS, subscriberFields());
      throw new Error('expected a header error');
    } catch (error) {
      expect((error as ImportException).code).toBe(ImportErrorCode.InvalidHeader);
      expect((error as Error).message).toContain('is the header line missing?');
      expect((error as Error).message).not.toContain('35202');
      expect((error as Error).message).not.toContain('Ahmed');
    }
  });
});

describe(validateSubscriberRow.name, () => {
  it('normalizes identifiers and reads enum names leniently', () => {
    const result = validateSubscriberRow(
      subscriberFields({ region: 'Khyber Pakhtunkhwa', line_type: 'line_type_corporate', account_status: 'former' }),
      subscriberHeader,
    );
    expect(result).toEqual({
      ok: true,
      key: 'SUB-1',
      row: {
        subscriberId: 'SUB-1',
        cnic: '3520212345671',
        name: 'Muhammad Ahmed Khan',
        msisdn: '+923001234567',
        email: 'ahmed.khan@example.com',
        language: 'ur',
        region: Region.KHYBER_PAKHTUNKHWA,
        lineType: LineType.CORPORATE,
        accountStatus: AccountStatus.Former,
      },
    });
  });

  it('keeps Urdu names, treats an empty email as none and collapses double spaces', () => {
    const result = validateSubscriberRow(subscriberFields({ name: ' عائشہ  صدیقی ', email: '' }), subscriberHeader);
    expect(result.ok && result.row).toMatchObject({ name: 'عائشہ صدیقی', email: null });
  });

  it('reports every problem of a row with its code, never the full values', () => {
    const fields = subscriberFields({
      cnic: '35202-123456',
      msisdn: '042-35761234',
      email: 'ahmed.khan@',
      region: 'MARS',
      line_type: '',
      name: 'Ahmed\nKhan',
    });
    const problems = problemsOf(validateSubscriberRow(fields, subscriberHeader));
    expect(problems.map((problem) => [problem.field, problem.code])).toEqual([
      ['cnic', RejectCode.InvalidCnic],
      ['name', RejectCode.InvalidText],
      ['msisdn', RejectCode.InvalidMsisdn],
      ['email', RejectCode.InvalidEmail],
      ['region', RejectCode.UnknownValue],
      ['line_type', RejectCode.MissingValue],
    ]);
    const messages = problems.map((problem) => problem.message).join(' ');
    for (const secret of ['35202123456', '35202-123456', '3576123', 'ahmed.khan', 'Khan'])
      expect(messages).not.toContain(secret);
    expect(messages).toContain("unknown region 'MARS'");
  });

  it('hides unknown enum values that could be personal data', () => {
    const problems = problemsOf(validateSubscriberRow(subscriberFields({ region: '3520212345671' }), subscriberHeader));
    expect(problems[0]?.message).toContain('(13 characters, not shown)');
  });

  it('keeps the key when only other fields are wrong, and drops it when the id itself is invalid', () => {
    expect(validateSubscriberRow(subscriberFields({ language: 'fr' }), subscriberHeader)).toMatchObject({
      ok: false,
      key: 'SUB-1',
    });
    expect(validateSubscriberRow(subscriberFields({ subscriber_id: 'has space' }), subscriberHeader)).toMatchObject({
      ok: false,
      key: undefined,
      problems: [{ field: 'subscriber_id', code: RejectCode.InvalidId }],
    });
  });
});

describe(validateAssetRow.name, () => {
  const header = readHeader(ASSET_COLUMNS, [...ASSET_COLUMNS]);

  it('turns category names into the bitmask of PiiCategory values', () => {
    const result = validateAssetRow(['crm.subscribers', 'crm', 'NAME|cnic| PII_CATEGORY_MSISDN', ''], header);
    expect(result.ok && result.row).toEqual({
      assetId: 'crm.subscribers',
      owningSystem: 'crm',
      categories: (1 << PiiCategory.NAME) | (1 << PiiCategory.CNIC) | (1 << PiiCategory.MSISDN),
      description: '',
    });
  });

  it('rejects unknown and missing categories', () => {
    expect(problemsOf(validateAssetRow(['a', 'crm', 'NAME|SHOE_SIZE', ''], header))).toEqual([
      expect.objectContaining({ field: 'categories', code: RejectCode.UnknownValue }),
    ]);
    expect(problemsOf(validateAssetRow(['a', 'crm', '|', ''], header))).toEqual([
      expect.objectContaining({ field: 'categories', code: RejectCode.MissingValue }),
    ]);
  });
});

describe(validateHoldingRow.name, () => {
  const header = readHeader(HOLDING_COLUMNS, [...HOLDING_COLUMNS]);

  it('reads dates as UTC midnight and date-times with their offset; an empty records_to stays open', () => {
    const result = validateHoldingRow(['cdr.voice_2023q1', 'SUB-1', 'SINDH', '2023-01-01T05:00:00+05:00', ''], header);
    expect(result.ok && result.row).toEqual({
      assetId: 'cdr.voice_2023q1',
      subscriberId: 'SUB-1',
      region: Region.SINDH,
      recordsFrom: Date.parse('2023-01-01T00:00:00Z'),
      recordsTo: null,
    });
    expect(parseTimestamp('2023-03-31')).toBe(Date.parse('2023-03-31T00:00:00Z'));
    expect(parseTimestamp('2023-03-31T23:59:59.5Z')).toBe(Date.parse('2023-03-31T23:59:59.500Z'));
  });

  it('rejects ambiguous or impossible timestamps and ranges that end before they start', () => {
    const codes = (from: string, to: string) =>
      problemsOf(validateHoldingRow(['a', 'S', 'PUNJAB', from, to], header)).map((p) => [p.field, p.code]);
    expect(codes('2023-01-01T10:00:00', '')).toEqual([['records_from', RejectCode.InvalidTimestamp]]);
    expect(codes('2023-02-30', '')).toEqual([['records_from', RejectCode.InvalidTimestamp]]);
    expect(codes('01/02/2023', '')).toEqual([['records_from', RejectCode.InvalidTimestamp]]);
    expect(codes('2023-03-01', '2023-02-01')).toEqual([['records_to', RejectCode.InvalidRange]]);
  });
});

describe(parseScopeListValue.name, () => {
  it('normalizes MSISDNs and keeps subscriber ids as they are', () => {
    expect(parseScopeListValue('msisdns', ' 0300 1234567 ')).toMatchObject({ ok: true, row: '+923001234567' });
    expect(parseScopeListValue('subscriber-ids', 'SUB-1')).toMatchObject({ ok: true, row: 'SUB-1' });
    expect(parseScopeListValue('msisdns', '042-35761234')).toMatchObject({
      ok: false,
      problems: [{ field: 'msisdn', code: RejectCode.InvalidMsisdn }],
    });
  });
});
