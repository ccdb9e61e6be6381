import { DomainException } from './domain-exception';

enum ParcelErrorCode {
  Lost = 'LOST',
  Late = 'LATE',
}
enum LetterErrorCode {
  Torn = 'TORN',
}

describe(DomainException.name, () => {
  it('tells the codes of one context from those of another', () => {
    const sut = new DomainException(ParcelErrorCode.Lost, 'parcel P-1 lost');
    expect(DomainException.is(sut, ParcelErrorCode)).toBe(true);
    expect(DomainException.is(sut, LetterErrorCode)).toBe(false);
  });

  it('is not fooled by an ordinary error or a look-alike object', () => {
    expect(DomainException.is(new Error('LOST'), ParcelErrorCode)).toBe(false);
    expect(DomainException.is({ code: ParcelErrorCode.Lost, message: 'x' }, ParcelErrorCode)).toBe(false);
  });

  it('keeps the message, the retry hint and the cause', () => {
    const cause = new Error('socket closed');
    const sut = new DomainException(ParcelErrorCode.Late, 'try later', { retryAfterSeconds: 30, cause });
    expect(sut).toMatchObject({ message: 'try later', code: 'LATE', retryAfterSeconds: 30, cause });
    expect(sut).toBeInstanceOf(Error);
  });
});
