import { parseStatusCallback } from './twilio-status-callback';

describe(parseStatusCallback.name, () => {
  it('reads the SID, the status and the error code, and maps the status to a delivery state', () => {
    const sut = parseStatusCallback({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003' });

    expect(sut).toEqual({ sid: 'SM1', status: 'undelivered', errorCode: '30003', state: 'undelivered' });
  });

  it('takes the first of repeated fields', () => {
    expect(parseStatusCallback({ MessageSid: ['SM1', 'SM2'], MessageStatus: ['sent'] })).toMatchObject({
      sid: 'SM1',
      state: 'sent',
    });
  });

  it('ignores callbacks without a SID, without a status, or with a status of no outbound message', () => {
    expect(parseStatusCallback({ MessageStatus: 'delivered' })).toBeNull();
    expect(parseStatusCallback({ MessageSid: 'SM1' })).toBeNull();
    expect(parseStatusCallback({ MessageSid: 'SM1', MessageStatus: 'receiving' })).toBeNull();
  });
});
