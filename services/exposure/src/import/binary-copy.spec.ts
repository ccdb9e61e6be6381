import { BinaryCopyEncoder } from './binary-copy';

describe(BinaryCopyEncoder.name, () => {
  it('starts with the PGCOPY signature, zero flags and no header extension, and ends with -1', () => {
    expect(BinaryCopyEncoder.header().toString('hex')).toBe('5047434f50590aff0d0a00' + '00000000' + '00000000');
    expect(BinaryCopyEncoder.trailer().toString('hex')).toBe('ffff');
  });

  it('encodes each type as a length-prefixed big-endian field and NULL as length -1', () => {
    const sut = new BinaryCopyEncoder([
      { name: 'a', type: 'int2' },
      { name: 'b', type: 'int4' },
      { name: 'c', type: 'text' },
      { name: 'd', type: 'bytea' },
      { name: 'e', type: 'timestamptz' },
      { name: 'f', type: 'text' },
    ]);
    const tuple = sut.encode([[3, 70000, 'خان', Buffer.from([0xde, 0xad]), Date.UTC(2000, 0, 1, 0, 0, 0, 1), null]]);
    expect(tuple.toString('hex')).toBe(
      [
        '0006', // six fields
        '00000002' + '0003',
        '00000004' + '00011170',
        '00000006' + Buffer.from('خان', 'utf8').toString('hex'),
        '00000002' + 'dead',
        '00000008' + '00000000000003e8', // 1 ms after the PostgreSQL epoch = 1000 µs
        'ffffffff',
      ].join(''),
    );
  });

  it('writes timestamps before the PostgreSQL epoch as negative microseconds', () => {
    const sut = new BinaryCopyEncoder([{ name: 'e', type: 'timestamptz' }]);
    expect(sut.encode([[Date.UTC(1999, 11, 31, 23, 59, 59)]]).toString('hex')).toBe(
      '0001' + '00000008' + 'fffffffffff0bdc0',
    );
  });

  it('grows past its scratch buffer and returns independent copies', () => {
    const sut = new BinaryCopyEncoder([{ name: 'c', type: 'text' }]);
    const big = sut.encode([['x'.repeat(200_000)]]);
    const small = sut.encode([['y']]);
    expect(big.length).toBe(2 + 4 + 200_000);
    expect(big.subarray(6, 9).toString()).toBe('xxx');
    expect(small.toString('hex')).toBe('0001' + '00000001' + '79');
  });

  it('refuses a row with the wrong number of values', () => {
    const sut = new BinaryCopyEncoder([{ name: 'c', type: 'text' }]);
    expect(() => sut.encode([['a', 'b']])).toThrow('row has 2 values, expected 1');
  });
});
