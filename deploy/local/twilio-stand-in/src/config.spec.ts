import { ConfigError, DEFAULT_ACCOUNT_SID, loadConfig } from './config';

describe(loadConfig.name, () => {
  it('uses local defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4010,
      accountSid: DEFAULT_ACCOUNT_SID,
      segmentsPerSecond: 500,
      maxQueueSeconds: 36_000,
      maxQueueSegments: null,
      stateFile: '.run/twilio-stand-in/state.json',
      faults: {},
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      TWILIO_STANDIN_HOST: '0.0.0.0',
      TWILIO_STANDIN_PORT: '4999',
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_STANDIN_SEGMENTS_PER_SECOND: '10',
      TWILIO_STANDIN_MAX_QUEUE_SECONDS: '14400',
      TWILIO_STANDIN_MAX_QUEUE_SEGMENTS: '5000',
      TWILIO_STANDIN_MAX_CONCURRENCY: '100',
      TWILIO_STANDIN_PRICE_PER_SEGMENT: '0.0512',
      TWILIO_STANDIN_MESSAGING_SERVICE_FROM: '+15005550001',
      TWILIO_STANDIN_SENT_DELAY_MS: '1',
      TWILIO_STANDIN_DELIVERED_DELAY_MS: '2',
      TWILIO_STANDIN_OPTED_OUT_NUMBERS: '+923000000001, +923000000002',
      TWILIO_STANDIN_LANDLINE_NUMBERS: '+9242*',
      TWILIO_STANDIN_UNREACHABLE_NUMBERS: '+923000000003',
      TWILIO_STANDIN_UNKNOWN_NUMBERS: '+923000000004',
      TWILIO_STANDIN_CARRIER_UNREACHABLE_NUMBERS: '+923000000005',
      TWILIO_STANDIN_FAILING_NUMBERS: '+923000000006',
      TWILIO_STANDIN_CALLBACK_OUT_OF_ORDER_PROBABILITY: '0.25',
      TWILIO_STANDIN_CALLBACK_TIMEOUT_MS: '5000',
      TWILIO_STANDIN_CALLBACK_RETRY_DELAY_MS: '0',
      TWILIO_STANDIN_CALLBACK_CONCURRENCY: '8',
      TWILIO_STANDIN_CALLBACK_ON_SENDING: 'true',
      TWILIO_STANDIN_STATE_FILE: '/tmp/x.json',
      TWILIO_STANDIN_STATE_WRITE_INTERVAL_MS: '1000',
      TWILIO_STANDIN_FAULTS: '{"error500":{"probability":0.01},"storeThenHang":{"next":1}}',
      LOG_LEVEL: 'debug',
    });

    expect(config).toEqual({
      host: '0.0.0.0',
      port: 4999,
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      authToken: 'secret',
      segmentsPerSecond: 10,
      maxQueueSeconds: 14_400,
      maxQueueSegments: 5000,
      maxConcurrency: 100,
      pricePerSegment: 0.0512,
      messagingServiceFrom: '+15005550001',
      sentDelayMs: 1,
      deliveredDelayMs: 2,
      numbers: {
        optedOut: ['+923000000001', '+923000000002'],
        landline: ['+9242*'],
        unreachable: ['+923000000003'],
        unknown: ['+923000000004'],
        carrierUnreachable: ['+923000000005'],
        failing: ['+923000000006'],
      },
      callbacks: {
        outOfOrderProbability: 0.25,
        timeoutMs: 5000,
        retryDelayMs: 0,
        concurrency: 8,
        includeSending: true,
      },
      stateFile: '/tmp/x.json',
      stateWriteIntervalMs: 1000,
      faults: { error500: { probability: 0.01 }, storeThenHang: { next: 1 } },
      logLevel: 'debug',
    });
  });

  it('turns persistence off with an empty TWILIO_STANDIN_STATE_FILE', () => {
    expect(loadConfig({ TWILIO_STANDIN_STATE_FILE: '' }).stateFile).toBeNull();
  });

  it.each([
    ['TWILIO_ACCOUNT_SID', 'AC123'],
    ['TWILIO_ACCOUNT_SID', 'SK0123456789abcdef0123456789abcdef'],
    ['TWILIO_STANDIN_PORT', '70000'],
    ['TWILIO_STANDIN_SEGMENTS_PER_SECOND', 'fast'],
    ['TWILIO_STANDIN_SEGMENTS_PER_SECOND', '0'],
    ['TWILIO_STANDIN_UNREACHABLE_NUMBERS', '+923001234567,03001234567'],
    ['TWILIO_STANDIN_CALLBACK_OUT_OF_ORDER_PROBABILITY', '1.5'],
    ['TWILIO_STANDIN_CALLBACK_ON_SENDING', 'yes'],
    ['TWILIO_STANDIN_FAULTS', '{"error500":'],
    ['TWILIO_STANDIN_FAULTS', '{"meltdown":{}}'],
    ['LOG_LEVEL', 'loud'],
  ])('fails fast naming %s when it is %p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ TWILIO_STANDIN_PORT: '-1', TWILIO_AUTH_TOKEN: '', TWILIO_ACCOUNT_SID: 'x' })).toThrow(
      /TWILIO_STANDIN_PORT[\s\S]*TWILIO_ACCOUNT_SID|TWILIO_ACCOUNT_SID[\s\S]*TWILIO_STANDIN_PORT/,
    );
  });
});
