import twilio from 'twilio';
import { classifyCreateError } from './twilio-sms.provider';

const rest = (status: number, code: number) =>
  new twilio.RestException({ statusCode: status, body: { code, message: 'x', more_info: '', status } });
const network = (code: string, message: string) => Object.assign(new Error(message), { code });

describe(classifyCreateError.name, () => {
  it('never retries permanent refusals (invalid number, opted out, not a mobile)', () => {
    for (const code of [21211, 21610, 21614]) expect(classifyCreateError(rest(400, code)).kind).toBe('rejected');
  });

  it('retries 429 and sender-wide configuration errors, which create nothing', () => {
    expect(classifyCreateError(rest(429, 20429)).kind).toBe('retry');
    expect(classifyCreateError(rest(401, 20003)).kind).toBe('retry');
    expect(classifyCreateError(rest(400, 21611)).kind).toBe('retry');
    expect(classifyCreateError(network('ECONNREFUSED', 'connect ECONNREFUSED')).kind).toBe('retry');
  });

  it('treats 5xx, timeouts and dropped connections as unknown: the message may exist', () => {
    expect(classifyCreateError(rest(500, 20500))).toMatchObject({ kind: 'unknown', code: '20500' });
    expect(classifyCreateError(rest(503, 20503)).kind).toBe('unknown');
    expect(classifyCreateError(network('ECONNABORTED', 'timeout of 1000ms exceeded'))).toMatchObject({
      kind: 'unknown',
      code: 'ECONNABORTED',
    });
    expect(classifyCreateError(network('ECONNRESET', 'socket hang up')).kind).toBe('unknown');
    expect(classifyCreateError(new Error('anything else')).kind).toBe('unknown');
  });
});
