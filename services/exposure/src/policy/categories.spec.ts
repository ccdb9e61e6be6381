import { PiiCategory } from '@bnp/contracts';
import { ALL_CATEGORIES_MASK, categoriesOf, categoryBit, categoryMask } from './categories';

describe(categoryMask.name, () => {
  const sut = categoryMask;

  it('sets one bit per declared category', () => {
    expect(sut([PiiCategory.NAME, PiiCategory.CNIC])).toBe((1 << PiiCategory.NAME) | (1 << PiiCategory.CNIC));
  });

  it('refuses category 47 instead of wrapping to CREDENTIALS (1 << 47 === 1 << 15)', () => {
    expect(1 << 47).toBe(1 << PiiCategory.CREDENTIALS); // the trap this guards against
    expect(() => sut([47 as PiiCategory])).toThrow(RangeError);
    expect(() => sut([47 as PiiCategory])).toThrow('47 is not a PII category');
  });

  it('refuses UNSPECIFIED, negative, fractional and undeclared in-range values', () => {
    for (const value of [0, -1, 1.5, 31, 32, 29]) expect(() => sut([value as PiiCategory])).toThrow(RangeError);
  });
});

describe(categoryBit.name, () => {
  it('gives every declared category a distinct bit below the sign bit', () => {
    const bits = categoriesOf(ALL_CATEGORIES_MASK).map(categoryBit);
    expect(new Set(bits).size).toBe(bits.length);
    expect(bits.every((bit) => bit > 0)).toBe(true);
  });
});

describe(categoriesOf.name, () => {
  it('reads back what categoryMask wrote', () => {
    expect(categoriesOf(categoryMask([PiiCategory.CREDENTIALS, PiiCategory.MSISDN]))).toEqual([
      PiiCategory.MSISDN,
      PiiCategory.CREDENTIALS,
    ]);
  });

  it('refuses a mask with a bit that names no category', () => {
    expect(() => categoriesOf(1 << 29)).toThrow(/has bits that name no PII category/);
    expect(() => categoriesOf(-1)).toThrow(RangeError);
  });
});
