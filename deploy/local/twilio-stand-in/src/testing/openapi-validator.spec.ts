import { assertMatchesSpec, specOperationIds } from './openapi-validator';

// A resource as the stand-in renders it; each case below breaks one thing a client relies on.
const resource = {
  account_sid: 'AC0123456789abcdef0123456789abcdef',
  api_version: '2010-04-01',
  body: 'hi',
  date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
  date_sent: null,
  date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
  direction: 'outbound-api',
  error_code: null,
  error_message: null,
  from: '+15005550006',
  messaging_service_sid: null,
  num_media: '0',
  num_segments: '1',
  price: null,
  price_unit: 'USD',
  sid: 'SM0123456789abcdef0123456789abcdef',
  status: 'queued',
  subresource_uris: {
    media:
      '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef/Media.json',
  },
  to: '+923001234567',
  uri: '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json',
};

describe(assertMatchesSpec.name, () => {
  it('reads the Message operations from the extracted spec', () => {
    expect(specOperationIds()).toEqual(
      expect.arrayContaining(['CreateMessage', 'ListMessage', 'FetchMessage', 'UpdateMessage', 'DeleteMessage']),
    );
  });

  it('accepts a complete resource', () => {
    expect(() => assertMatchesSpec('fetch', resource)).not.toThrow();
  });

  it.each([
    ['num_segments as a number', { ...resource, num_segments: 1 }],
    ['an ISO date instead of RFC 2822', { ...resource, date_created: '2023-08-24T05:01:45Z' }],
    ['a status outside the enum', { ...resource, status: 'done' }],
    ['a malformed sid', { ...resource, sid: 'SM123' }],
    ['a missing field', { ...resource, price_unit: undefined }],
    ['an undocumented field', { ...resource, segments: 1 }],
  ])('rejects %s', (_case, body) => {
    const json = JSON.parse(JSON.stringify(body)) as unknown;
    expect(() => assertMatchesSpec('create', json)).toThrow(/does not match the OpenAPI schema/);
  });

  it('rejects a list page whose next_page_uri is not a Twilio path', () => {
    const page = {
      first_page_uri: '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?PageSize=50&Page=0',
      end: 0,
      previous_page_uri: null,
      messages: [resource],
      uri: '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?PageSize=50&Page=0',
      page_size: 50,
      start: 0,
      next_page_uri: 'Page=1',
      page: 0,
    };
    expect(() => assertMatchesSpec('list', { ...page, next_page_uri: null })).not.toThrow();
    expect(() => assertMatchesSpec('list', page)).toThrow(/does not match/);
  });

  it('requires the legacy error body', () => {
    expect(() =>
      assertMatchesSpec('error', {
        code: 21211,
        message: 'x',
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      }),
    ).not.toThrow();
    expect(() => assertMatchesSpec('error', { title: 'Bad Request', status: 400 })).toThrow(/does not match/);
  });
});
