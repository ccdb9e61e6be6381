import { PiiCategory } from '@bnp/contracts';

/** Categories are stored as an int bitmask: bit n set = breach.v1.PiiCategory n exposed. Union is `|`, news is `& ~`. */
export function categoryMask(categories: Iterable<PiiCategory>): number {
  let mask = 0;
  for (const category of categories) mask |= 1 << category;
  return mask;
}

export function categoriesOf(mask: number): PiiCategory[] {
  const result: PiiCategory[] = [];
  for (let value = 1; value <= 30; value++) if (mask & (1 << value)) result.push(value);
  return result;
}

export function categoryNames(mask: number): string[] {
  return categoriesOf(mask).map((category) => PiiCategory[category]);
}

/** Every category the contract knows, as a mask. */
export const ALL_CATEGORIES_MASK = categoryMask(
  Object.values(PiiCategory).filter(
    (value): value is PiiCategory => typeof value === 'number' && value !== PiiCategory.UNSPECIFIED,
  ),
);

export function parseCategoryName(name: string): PiiCategory {
  const value: unknown = (PiiCategory as unknown as Record<string, unknown>)[name];
  if (typeof value !== 'number' || value === 0) throw new Error(`unknown PII category '${name}'`);
  return value;
}
