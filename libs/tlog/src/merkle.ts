import { createHash } from 'node:crypto';

/** RFC 6962 section 2.1 with SHA-256: the hash of one entry and of two subtrees. */
export const HASH_SIZE = 32;

export function hashLeaf(entry: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

export const EMPTY_TREE_HASH = createHash('sha256').digest();

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[0:n]) from all leaf hashes, for small trees and tests; the log computes roots from tiles. */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_TREE_HASH;
  if (leaves.length === 1) return Buffer.from(leaves[0]!);
  const k = splitPoint(leaves.length);
  return hashChildren(rootFromLeafHashes(leaves.slice(0, k)), rootFromLeafHashes(leaves.slice(k)));
}

export class ProofError extends Error {
  override name = 'ProofError';
}

/**
 * Verifies an inclusion proof (RFC 6962 PATH, checked as in RFC 9162 section 2.1.3.2): the leaf at
 * `index` of the tree of `size` leaves with root `root`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  if (!(index >= 0 && index < size)) throw new ProofError(`index ${index} is outside a tree of size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is longer than the tree is deep');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('inclusion proof is shorter than the tree is deep');
  if (!r.equals(Buffer.from(root))) throw new ProofError(`entry ${index} is not in the tree of size ${size}`);
}

/**
 * Verifies a consistency proof (RFC 6962 PROOF, checked as in RFC 9162 section 2.1.4.2): the tree
 * of `size1` leaves with root `root1` is a prefix of the tree of `size2` leaves with root `root2`.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (size1 > size2) throw new ProofError(`size ${size1} is larger than ${size2}`);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('a proof between equal sizes must be empty');
    if (!Buffer.from(root1).equals(Buffer.from(root2))) throw new ProofError('two roots for one tree size');
    return;
  }
  if (size1 === 0) {
    if (proof.length !== 0) throw new ProofError('a proof from the empty tree must be empty');
    return;
  }
  if (proof.length === 0) throw new ProofError('empty consistency proof');
  const path = [...proof];
  if (isPowerOfTwo(size1)) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('consistency proof is too short');
  if (!fr.equals(Buffer.from(root1))) throw new ProofError(`the tree of size ${size1} does not have the given root`);
  if (!sr.equals(Buffer.from(root2)))
    throw new ProofError(`the tree of size ${size2} does not extend the tree of size ${size1}`);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
