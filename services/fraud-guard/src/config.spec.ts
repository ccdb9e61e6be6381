import { ConfigValidationError } from '@bnp/config';
import { TEST_PII_KEYS } from '@bnp/testing';
import { loadFraudGuardConfig } from './config';

/** Who issues the staff tokens fraud-guard's routes check (libs/auth). */
const OIDC = { OIDC_ISSUER: 'https://idp.example.pk/realms/bnp', OIDC_AUDIENCE: 'bnp-api' };

describe(loadFraudGuardConfig.name, () => {
  const key = Buffer.alloc(32, 5).toString('base64');

  it('applies the protection policy defaults', () => {
    const sut = loadFraudGuardConfig({ ...TEST_PII_KEYS, ...OIDC, FRAUD_ACTIVATION_CODE_KEY: key });
    expect(sut).toMatchObject({
      PORT: 3004,
      FRAUD_MONITORING_MONTHS: 12,
      FRAUD_ENROLL_BY_DAYS: 90,
      FRAUD_ACTIVATION_MAX_ATTEMPTS: 5,
      FRAUD_COMMAND_RESEND_AFTER_MS: 300_000,
      FRAUD_CONSUMER_GROUP: 'fraud-guard',
      FRAUD_CONTROL_CONSUMER_GROUP: 'fraud-guard-control',
    });
  });

  it('refuses one consumer group for both the exposure and the incident control consumers', () => {
    expect(() =>
      loadFraudGuardConfig({
        ...TEST_PII_KEYS,
        ...OIDC,
        FRAUD_ACTIVATION_CODE_KEY: key,
        FRAUD_CONSUMER_GROUP: 'fraud',
        FRAUD_CONTROL_CONSUMER_GROUP: 'fraud',
      }),
    ).toThrow(/FRAUD_CONTROL_CONSUMER_GROUP: must differ from FRAUD_CONSUMER_GROUP/);
  });

  it('fails at boot naming a missing or short activation code key, never its value', () => {
    expect(() => loadFraudGuardConfig({ ...TEST_PII_KEYS, ...OIDC })).toThrow(/FRAUD_ACTIVATION_CODE_KEY/);
    const short = Buffer.alloc(8, 1).toString('base64');
    try {
      loadFraudGuardConfig({ ...TEST_PII_KEYS, ...OIDC, FRAUD_ACTIVATION_CODE_KEY: short });
      throw new Error('expected a config error');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as Error).message).toContain('FRAUD_ACTIVATION_CODE_KEY');
      expect((error as Error).message).not.toContain(short);
    }
  });
});
