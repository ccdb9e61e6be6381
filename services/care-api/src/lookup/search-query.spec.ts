import { CareException } from '../shared/care.exception';
import { parseSearchQuery } from './search-query';

describe(parseSearchQuery.name, () => {
  const sut = parseSearchQuery;

  it.each(['0300-1234567', '+92 300 1234567', '0092 300 1234567', '3001234567', '923001234567', '(0300) 123 4567'])(
    'reads %s as the MSISDN +923001234567',
    (typed) => {
      expect(sut(typed)).toEqual({ kind: 'msisdn', normalized: '+923001234567' });
    },
  );

  it.each(['35202-1234567-1', '3520212345671', ' 35202 1234567 1 '])('reads %s as a CNIC', (typed) => {
    expect(sut(typed)).toEqual({ kind: 'cnic', normalized: '3520212345671' });
  });

  it('reads an email, normalised', () => {
    expect(sut(' Ali.Khan@Example.COM ')).toEqual({ kind: 'email', normalized: 'ali.khan@example.com' });
  });

  it.each(['7KQ2M-9XH4B', '7kq2m9xh4b', '7KQ2M 9XH4B'])('reads %s as the reference code 7KQ2M-9XH4B', (typed) => {
    expect(sut(typed)).toEqual({ kind: 'reference', normalized: '7KQ2M-9XH4B' });
  });

  it('refuses a landline without echoing it', () => {
    expect(() => sut('042-35761234')).toThrow(CareException);
    expect(() => sut('042-35761234')).toThrow(/not a valid mobile number/);
    try {
      sut('042-35761234');
    } catch (error) {
      expect((error as Error).message).not.toContain('35761234');
    }
  });

  it('refuses an empty query', () => {
    expect(() => sut('   ')).toThrow(/type a mobile number/);
  });
});
