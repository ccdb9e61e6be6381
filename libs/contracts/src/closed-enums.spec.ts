import { create, toBinary } from '@bufbuild/protobuf';
import { BreachReportedSchema, type BreachReported, type Severity } from './gen/breach/v1/breach_reported_pb';
import { PiiCategory, Region } from './gen/breach/v1/types_pb';
import { ContractDecodeError, decodeBinary, decodeJson } from './codec';
import { undeclaredEnumValue } from './closed-enums';

const event = (categories: number[], regions: number[] = [Region.PUNJAB]): BreachReported =>
  create(BreachReportedSchema, {
    eventId: 'e-1',
    incidentId: 'INC-1',
    summary: 'call 03001234567',
    compromisedAssets: [
      { assetId: 'crm', categories: [PiiCategory.NAME] },
      {
        assetId: 'billing',
        categories,
        scope: { kind: { case: 'regions', value: { regions } } },
      },
    ],
  });

describe(undeclaredEnumValue.name, () => {
  const sut = (message: BreachReported) => undeclaredEnumValue(BreachReportedSchema, message);

  it('accepts a message whose enum values are all declared', () => {
    expect(sut(event([PiiCategory.MSISDN, PiiCategory.CREDENTIALS]))).toBeUndefined();
  });

  it('names the path and number of a repeated enum value the contract does not declare', () => {
    expect(sut(event([PiiCategory.MSISDN, 47]))).toBe(
      'compromised_assets[1].categories[1] = 47 is not a value of breach.v1.PiiCategory',
    );
  });

  it('looks inside the selected oneof member', () => {
    expect(sut(event([PiiCategory.MSISDN], [99]))).toBe(
      'compromised_assets[1].scope.regions.regions[0] = 99 is not a value of breach.v1.Region',
    );
  });

  it('refuses a negative number on a singular enum field', () => {
    expect(sut(create(BreachReportedSchema, { severity: -1 as Severity }))).toMatch(/^severity = -1 is not a value of/);
  });
});

describe(decodeBinary.name, () => {
  it('refuses category 47 instead of handing it on (1 << 47 would read as CREDENTIALS)', () => {
    const bytes = toBinary(BreachReportedSchema, event([47]));
    expect(() => decodeBinary(BreachReportedSchema, bytes)).toThrow(ContractDecodeError);
    expect(() => decodeBinary(BreachReportedSchema, bytes)).toThrow(/categories\[0\] = 47 is not a value/);
  });

  it('keeps other fields out of the reason', () => {
    const bytes = toBinary(BreachReportedSchema, event([47]));
    expect(() => decodeBinary(BreachReportedSchema, bytes)).not.toThrow(/03001234567/);
  });
});

describe(decodeJson.name, () => {
  it('refuses an undeclared enum number given in JSON', () => {
    const text = JSON.stringify({ eventId: 'e-1', compromisedAssets: [{ assetId: 'crm', categories: [47] }] });
    expect(() => decodeJson(BreachReportedSchema, text)).toThrow(/categories\[0\] = 47 is not a value/);
  });

  it('decodes declared names as before', () => {
    const text = JSON.stringify({ compromisedAssets: [{ assetId: 'crm', categories: ['PII_CATEGORY_CNIC'] }] });
    expect(decodeJson(BreachReportedSchema, text).compromisedAssets[0]?.categories).toEqual([PiiCategory.CNIC]);
  });
});
