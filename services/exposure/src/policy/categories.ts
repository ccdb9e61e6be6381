import { PiiCategory } from '@bnp/contracts';

/**
 * Categories are stored as an int bitmask: bit n set = breach.v1.PiiCategory n exposed. Union is `|`, news is `& ~`.
 * JavaScript shifts take the count modulo 32, so `1 << 47` is bit 15 (CREDENTIALS): every bit goes through
 * `categoryBit`, which refuses what the contract does not declare or an int cannot hold.
 */
const MAX_BIT = 30; // bit 31 is the sign of an int4 column

const DECLARED = new Set(
  Object.values(PiiCategory).filter(
    (value): value is PiiCategory => typeof value === 'number' && value !== PiiCategory.UNSPECIFIED,
  ),
);

/** The mask bit of one category. @throws RangeError for UNSPECIFIED, an undeclared value or one past bit 30. */
export function categoryBit(category: number): number {
  if (!Number.isInteger(category) || category < 1 || category > MAX_BIT || !DECLARED.has(category)) {
    throw new RangeError(`${String(category)} is not a PII category`);
  }
  return 1 << category;
}

export function categoryMask(categories: Iterable<PiiCategory>): number {
  let mask = 0;
  for (const category of categories) mask |= categoryBit(category);
  return mask;
}

/** Every category the contract knows, as a mask. */
export const ALL_CATEGORIES_MASK = categoryMask(DECLARED);

/** The categories of a mask. @throws RangeError when a bit names no declared category (the mask is corrupt). */
export function categoriesOf(mask: number): PiiCategory[] {
  if (!Number.isInteger(mask) || (mask & ~ALL_CATEGORIES_MASK) !== 0 || mask < 0) {
    throw new RangeError(`category mask ${String(mask)} has bits that name no PII category`);
  }
  const result: PiiCategory[] = [];
  for (let value = 1; value <= MAX_BIT; value++) if (mask & (1 << value)) result.push(value);
  return result;
}

export function categoryNames(mask: number): string[] {
  return categoriesOf(mask).map((category) => PiiCategory[category]);
}

export function parseCategoryName(name: string): PiiCategory {
  const value: unknown = (PiiCategory as unknown as Record<string, unknown>)[name];
  if (typeof value !== 'number' || value === 0) throw new Error(`unknown PII category '${name}'`);
  return value;
}
