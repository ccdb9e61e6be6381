import { Channel, PiiCategory, ProtectiveAction, RiskTier } from '@bnp/contracts';
import { categoryMask } from './categories';
import { RiskPolicy } from './risk-policy';

const sut = RiskPolicy.load();
const tierOf = (...categories: PiiCategory[]) => RiskTier[sut.classify(categoryMask(categories)).tier];

describe(RiskPolicy.name, () => {
  it('tiers the default combinations as the policy says', () => {
    expect(tierOf(PiiCategory.CREDENTIALS)).toBe('CRITICAL');
    expect(tierOf(PiiCategory.BIOMETRIC, PiiCategory.NAME)).toBe('CRITICAL');
    expect(tierOf(PiiCategory.CNIC, PiiCategory.MOBILE_WALLET)).toBe('CRITICAL');
    expect(tierOf(PiiCategory.CNIC, PiiCategory.NAME)).toBe('HIGH');
    expect(tierOf(PiiCategory.PAYMENT_CARD)).toBe('HIGH');
    expect(tierOf(PiiCategory.ICCID)).toBe('HIGH');
    expect(tierOf(PiiCategory.CALL_RECORDS, PiiCategory.MSISDN)).toBe('MEDIUM');
    expect(tierOf(PiiCategory.NAME, PiiCategory.MSISDN, PiiCategory.EMAIL)).toBe('LOW');
  });

  it('records which rule fired, for the regulator', () => {
    expect(sut.classify(categoryMask([PiiCategory.CNIC, PiiCategory.BANK_ACCOUNT])).rule).toBe(
      'identity-with-financial',
    );
  });

  it('adds a PIN reset when credentials were taken', () => {
    const critical = sut.actionsFor(RiskTier.CRITICAL, categoryMask([PiiCategory.CREDENTIALS]));
    expect(critical).toContain(ProtectiveAction.PIN_RESET);
    expect(sut.actionsFor(RiskTier.CRITICAL, categoryMask([PiiCategory.BIOMETRIC]))).not.toContain(
      ProtectiveAction.PIN_RESET,
    );
    expect(sut.tierPolicy(RiskTier.LOW).channels).toEqual([Channel.SMS]);
  });

  it('refuses a policy that leaves a category untiered', () => {
    const json = { ...baseJson(), rules: [{ id: 'only-cnic', tier: 'HIGH', anyOf: ['CNIC'], why: 'x' }] };
    expect(() => RiskPolicy.fromJson(json)).toThrow(/match no rule/);
  });

  it('refuses unknown categories and duplicate rule ids, naming them', () => {
    const unknown = { ...baseJson(), rules: [{ id: 'r', tier: 'HIGH', anyOf: ['PASSPORT'], why: 'x' }] };
    expect(() => RiskPolicy.fromJson(unknown)).toThrow(/PASSPORT/);
    const base = baseJson();
    const duplicate = { ...base, rules: [...base.rules, base.rules[0]] };
    expect(() => RiskPolicy.fromJson(duplicate)).toThrow(/used twice/);
  });
});

function baseJson(): { rules: Record<string, unknown>[] } & Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return JSON.parse(JSON.stringify(require('./risk-policy.v1.json'))) as { rules: Record<string, unknown>[] } & Record<
    string,
    unknown
  >;
}
