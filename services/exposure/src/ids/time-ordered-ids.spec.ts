import { uuidV7Prefix } from './time-ordered-ids';

/** What `uuidV7Sql` makes of a prefix and a row number, done in TypeScript to read the bits back. */
const idOf = (prefix: string, row: number) => {
  const hex = prefix + row.toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

describe('uuidV7Prefix', () => {
  const at = Date.UTC(2026, 11, 7, 1, 30);

  it('makes RFC 9562 version 7 ids that carry the millisecond they were made in', () => {
    const id = idOf(uuidV7Prefix(at), 1);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('keeps the variant whatever the random bytes are', () => {
    for (const byte of [0x00, 0x3f, 0x7f, 0xc0, 0xff]) {
      const prefix = uuidV7Prefix(at, Buffer.alloc(6, byte));
      expect(prefix).toHaveLength(24);
      expect(prefix[16]).toMatch(/[89ab]/);
    }
  });

  it('gives two statements of the same millisecond different prefixes', () => {
    const prefixes = new Set(Array.from({ length: 1000 }, () => uuidV7Prefix(at)));

    expect(prefixes.size).toBe(1000);
  });

  it('orders ids by time, then by row within a statement', () => {
    const earlier = uuidV7Prefix(at);
    const later = uuidV7Prefix(at + 1);
    const ids = [idOf(later, 1), idOf(earlier, 2), idOf(earlier, 10), idOf(earlier, 1)];

    expect([...ids].sort()).toEqual([idOf(earlier, 1), idOf(earlier, 2), idOf(earlier, 10), idOf(later, 1)]);
  });

  it('refuses a time it cannot hold in 48 bits', () => {
    expect(() => uuidV7Prefix(2 ** 48)).toThrow(RangeError);
    expect(() => uuidV7Prefix(-1)).toThrow(RangeError);
  });
});
