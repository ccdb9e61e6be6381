import { ConfigValidationError } from '@bnp/config';
import { TEST_PII_KEYS } from '@bnp/testing';
import { loadNotifierConfig } from './config';

const valid = {
  ...TEST_PII_KEYS,
  OIDC_ISSUER: 'https://idp.example.pk/realms/bnp',
  OIDC_AUDIENCE: 'bnp-api',
  NOTIFIER_LOG_HMAC_KEY: Buffer.alloc(32, 1).toString('base64'),
  NOTIFIER_PUBLIC_URL: 'https://notifier.example.pk/',
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM: '+15005550006',
};

describe(loadNotifierConfig.name, () => {
  it('builds one checked config with the sender, the cipher and the public URL', () => {
    const sut = loadNotifierConfig(valid);
    expect(sut.sender).toBe('+15005550006');
    expect(sut.publicUrl).toBe('https://notifier.example.pk');
    expect(sut.quietHours).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
    expect(sut.cipher.decrypt(sut.cipher.encrypt('x'))).toBe('x');
    expect(sut.TWILIO_SEGMENTS_PER_SECOND).toBe(10);
  });

  it('names every bad variable and never echoes secrets', () => {
    const attempt = () =>
      loadNotifierConfig({
        ...valid,
        TWILIO_FROM: '',
        TWILIO_ACCOUNT_SID: 'not-a-sid',
        NOTIFIER_LOG_HMAC_KEY: 'c2hvcnQ=',
        NOTIFIER_QUIET_HOURS: 'nights',
        TWILIO_AUTH_TOKEN: '',
      });
    expect(attempt).toThrow(ConfigValidationError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    for (const name of ['TWILIO_ACCOUNT_SID', 'NOTIFIER_LOG_HMAC_KEY', 'TWILIO_AUTH_TOKEN'])
      expect(message).toContain(name);
    expect(message).not.toContain('c2hvcnQ=');
  });

  it('needs a sender and a lease longer than two request timeouts', () => {
    expect(() => loadNotifierConfig({ ...valid, TWILIO_FROM: '' })).toThrow(/TWILIO_FROM/);
    expect(() =>
      loadNotifierConfig({ ...valid, NOTIFIER_LEASE_MS: '15000', TWILIO_REQUEST_TIMEOUT_MS: '10000' }),
    ).toThrow(/NOTIFIER_LEASE_MS/);
    expect(() => loadNotifierConfig({ ...valid, NOTIFIER_QUIET_HOURS: 'nights' })).toThrow(/NOTIFIER_QUIET_HOURS/);
  });
});
