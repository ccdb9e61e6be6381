import { hashChildren, splitPoint } from './merkle';

/**
 * Reads the hash of a complete subtree: the 2^level leaves starting at leaf index * 2^level. The log
 * answers from its stored tiles; tests answer from a list of leaf hashes.
 */
export interface SubtreeHashReader {
  subtreeHash(level: number, index: number): Promise<Buffer>;
}

/** MTH(D[lo:hi]) for a range RFC 6962's recursion produces (lo aligned to the range's split). */
export async function rangeHash(reader: SubtreeHashReader, lo: number, hi: number): Promise<Buffer> {
  const n = hi - lo;
  if (n <= 0) throw new RangeError(`empty range ${lo}..${hi}`);
  const level = Math.log2(n);
  if (Number.isInteger(level) && lo % n === 0) return reader.subtreeHash(level, lo / n);
  const k = splitPoint(n);
  const [left, right] = await Promise.all([rangeHash(reader, lo, lo + k), rangeHash(reader, lo + k, hi)]);
  return hashChildren(left, right);
}

/** The root of the tree of `size` leaves. */
export function treeHash(reader: SubtreeHashReader, size: number): Promise<Buffer> {
  return rangeHash(reader, 0, size);
}

/** RFC 6962 section 2.1.1 PATH(m, D[0:size]): the audit path of leaf m, leaf-side first. */
export async function inclusionProof(reader: SubtreeHashReader, m: number, size: number): Promise<Buffer[]> {
  if (!(m >= 0 && m < size)) throw new RangeError(`index ${m} is outside a tree of size ${size}`);
  const path = async (m: number, lo: number, hi: number): Promise<Buffer[]> => {
    if (hi - lo <= 1) return [];
    const k = splitPoint(hi - lo);
    if (m < k) return [...(await path(m, lo, lo + k)), await rangeHash(reader, lo + k, hi)];
    return [...(await path(m - k, lo + k, hi)), await rangeHash(reader, lo, lo + k)];
  };
  return path(m, 0, size);
}

/** RFC 6962 section 2.1.2 PROOF(m, D[0:size]): that the first m leaves are a prefix of the tree. */
export async function consistencyProof(reader: SubtreeHashReader, m: number, size: number): Promise<Buffer[]> {
  if (!(m >= 0 && m <= size)) throw new RangeError(`size ${m} is not within 0..${size}`);
  if (m === 0 || m === size) return [];
  const subproof = async (m: number, lo: number, hi: number, whole: boolean): Promise<Buffer[]> => {
    const n = hi - lo;
    if (m === n) return whole ? [] : [await rangeHash(reader, lo, hi)];
    const k = splitPoint(n);
    if (m <= k) return [...(await subproof(m, lo, lo + k, whole)), await rangeHash(reader, lo + k, hi)];
    return [...(await subproof(m - k, lo + k, hi, false)), await rangeHash(reader, lo, lo + k)];
  };
  return subproof(m, 0, size, true);
}

/** A SubtreeHashReader over all leaf hashes in memory (tests, small bundles). */
export class MemoryHashReader implements SubtreeHashReader {
  private readonly levels: Buffer[][];

  constructor(leafHashes: readonly Buffer[]) {
    this.levels = [[...leafHashes]];
    for (let level = this.levels[0]!; level.length > 1;) {
      const up: Buffer[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) up.push(hashChildren(level[i]!, level[i + 1]!));
      this.levels.push(up);
      level = up;
    }
  }

  async subtreeHash(level: number, index: number): Promise<Buffer> {
    const hash = this.levels[level]?.[index];
    if (!hash) throw new RangeError(`no complete subtree at level ${level} index ${index}`);
    return hash;
  }
}
