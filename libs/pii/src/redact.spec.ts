import { Writable } from 'node:stream';
import pino from 'pino';
import { piiRedactPaths, redactPiiInText } from './redact';

describe(redactPiiInText.name, () => {
  it.each([
    ['03001234567', '+92 3** *** **67'],
    ['+923001234567', '+92 3** *** **67'],
    ['923001234567', '+92 3** *** **67'],
    ['00923001234567', '+92 3** *** **67'],
    ['0300-1234567', '+92 3** *** **67'],
    ['+92 300 1234567', '+92 3** *** **67'],
    ['35202-1234567-1', '*****-*******-1'],
    ['3520212345671', '*****-*******-1'],
    ['ali.khan@example.com', 'a*******@e******.com'],
  ])('masks %j inside a sentence', (pii, masked) => {
    expect(redactPiiInText(`delivery to ${pii} failed: timeout`)).toBe(`delivery to ${masked} failed: timeout`);
  });

  it('masks every identifier in a message, next to punctuation', () => {
    const text = 'msisdn=03001234567,cnic="35202-1234567-1";email:<Ali.Khan@Example.com>';

    expect(redactPiiInText(text)).toBe('msisdn=+92 3** *** **67,cnic="*****-*******-1";email:<a*******@e******.com>');
  });

  it('treats digits inside an email as part of the email', () => {
    expect(redactPiiInText('from 03001234567@sms.example.pk')).toBe('from 0**********@s**********.pk');
  });

  it('fully masks an email whose local part is too long to be valid', () => {
    expect(redactPiiInText(`to ${'a'.repeat(70)}@example.com`)).toBe('to ***');
  });

  it('leaves text without PII alone', () => {
    const text = 'Kafka topic breach.intake partition 3 offset 12345 lag 0; landline 042-35761234';

    expect(redactPiiInText(text)).toBe(text);
  });

  it('does not mask a number that is part of a longer digit run', () => {
    expect(redactPiiInText('card 41111130012345678')).toBe('card 41111130012345678');
  });

  it('errs towards masking 13-digit runs such as epoch milliseconds', () => {
    expect(redactPiiInText('at 1732550000000')).toBe('at *****-*******-0');
  });

  it('stays fast on long input', () => {
    const started = Date.now();
    redactPiiInText(`${'a'.repeat(200_000)}${'@a'.repeat(50_000)}${'1'.repeat(100_000)}`);

    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('returns an empty string for non-strings instead of throwing', () => {
    expect(redactPiiInText(undefined as unknown as string)).toBe('');
  });
});

describe('piiRedactPaths', () => {
  const logLine = (payload: object): Record<string, unknown> => {
    let line = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        line += chunk.toString();
        done();
      },
    });
    const logger = pino({ name: 'notify', redact: { paths: piiRedactPaths, censor: '[PII]' } }, destination);
    logger.info(payload, 'sent');
    return JSON.parse(line) as Record<string, unknown>;
  };

  it('censors PII fields at the top level and two levels down, including arrays', () => {
    const line = logLine({
      msisdn: '+923001234567',
      notice: { to: 'ali@example.com', body: 'Dear Ali', cnic: '3520212345671' },
      recipients: [{ msisdn: '+923001234567', name: 'Ali Khan' }],
      req: { body: { email: 'ali@example.com' } },
    });

    expect(line).toMatchObject({
      msisdn: '[PII]',
      notice: { to: '[PII]', body: '[PII]', cnic: '[PII]' },
      recipients: [{ msisdn: '[PII]', name: '[PII]' }],
      req: { body: '[PII]' },
    });
  });

  it('keeps the logger name and non-PII fields', () => {
    const line = logLine({ breachId: 'b-1', notice: { channel: 'sms' } });

    expect(line).toMatchObject({ name: 'notify', breachId: 'b-1', notice: { channel: 'sms' } });
  });

  it('does not reach three levels down: such payloads need explicit paths', () => {
    const line = logLine({ event: { subscriber: { contact: { msisdn: '+923001234567' } } } });

    expect(line).toMatchObject({ event: { subscriber: { contact: { msisdn: '+923001234567' } } } });
  });
});
