import { ConfigError, loadConfig } from './config';

describe(loadConfig.name, () => {
  it('defaults to local ports with auth and rejections off', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      smtpPort: 1025,
      httpPort: 1080,
      maxMessages: 5000,
      maxMessageBytes: 10 * 1024 * 1024,
      storeFile: null,
      storeWriteIntervalMs: 500,
      auth: null,
      recipients: { reject: [], tempFail: [] },
      logLevel: 'info',
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      SMTP_SINK_HOST: '0.0.0.0',
      SMTP_SINK_SMTP_PORT: '2525',
      SMTP_SINK_HTTP_PORT: '8025',
      SMTP_SINK_MAX_MESSAGES: '10',
      SMTP_SINK_MAX_MESSAGE_BYTES: '2048',
      SMTP_SINK_STORE_FILE: '.run/smtp-sink/mail.json',
      SMTP_SINK_STORE_WRITE_INTERVAL_MS: '100',
      SMTP_SINK_AUTH_USER: 'notifier',
      SMTP_SINK_AUTH_PASS: 'secret',
      SMTP_SINK_REJECT_RECIPIENTS: 'Gone@Example.pk, bounced@example.pk',
      SMTP_SINK_TEMPFAIL_RECIPIENTS: 'busy@example.pk',
      LOG_LEVEL: 'warn',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      smtpPort: 2525,
      httpPort: 8025,
      maxMessages: 10,
      maxMessageBytes: 2048,
      storeFile: '.run/smtp-sink/mail.json',
      storeWriteIntervalMs: 100,
      auth: { user: 'notifier', pass: 'secret' },
      recipients: { reject: ['gone@example.pk', 'bounced@example.pk'], tempFail: ['busy@example.pk'] },
      logLevel: 'warn',
    });
  });

  it.each([
    ['SMTP_SINK_SMTP_PORT', '99999'],
    ['SMTP_SINK_HTTP_PORT', 'http'],
    ['SMTP_SINK_MAX_MESSAGES', '0'],
    ['SMTP_SINK_REJECT_RECIPIENTS', 'ok@example.pk,not-an-address'],
    ['SMTP_SINK_AUTH_USER', 'only-user'],
    ['LOG_LEVEL', 'chatty'],
  ])('fails fast naming %s when it is %p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
