import { ProofError, hashChildren, splitPoint } from './merkle';

interface Node {
  lo: number;
  hi: number;
  hash: Buffer;
  /** The proof hash that joined this node to its sibling on the way up (none for the root). */
  sibling?: Buffer;
}

/**
 * Verifies many inclusion proofs against one tree head, remembering the last verified path: a proof
 * whose path meets it at a node with the same range and hash is proven from there, so a bundle of
 * consecutive entries costs about two hashes per entry instead of one per tree level. The proof hashes
 * above the meeting node must still equal those of the remembered path, so no edited hash goes unseen.
 * Same answers as verifyInclusion (RFC 6962 PATH), which the spec checks.
 */
export class PathVerifier {
  private path: Node[] = [];

  constructor(
    private readonly size: number,
    private readonly root: Buffer,
  ) {}

  verify(leafHash: Buffer, index: number, proof: readonly Buffer[]): void {
    const { size, root } = this;
    if (!(index >= 0 && index < size)) throw new ProofError(`index ${index} is outside a tree of size ${size}`);
    // The ranges from the root down to the leaf, and on which side the leaf's branch lies at each split.
    const nodes: { lo: number; hi: number; left: boolean }[] = [];
    for (let lo = 0, hi = size; ;) {
      if (hi - lo === 1) {
        nodes.push({ lo, hi, left: true });
        break;
      }
      const k = splitPoint(hi - lo);
      const left = index < lo + k;
      nodes.push({ lo, hi, left });
      if (left) hi = lo + k;
      else lo += k;
    }
    const depth = nodes.length - 1;
    if (proof.length !== depth)
      throw new ProofError(`entry ${index} needs a proof of ${depth} hashes, got ${proof.length}`);
    const computed: Buffer[] = new Array<Buffer>(nodes.length);
    let hash = leafHash;
    for (let j = depth; j >= 0; j--) {
      computed[j] = hash;
      const known = this.path[j];
      if (known && known.lo === nodes[j]!.lo && known.hi === nodes[j]!.hi) {
        if (!known.hash.equals(hash)) throw new ProofError(`entry ${index} is not in the tree of size ${size}`);
        for (let up = j; up >= 1; up--) {
          if (!proof[depth - up]!.equals(this.path[up]!.sibling!))
            throw new ProofError(`entry ${index}: a proof hash differs from the tree's`);
        }
        this.remember(nodes, computed, proof, j + 1);
        return;
      }
      if (j === 0) break;
      const sibling = proof[depth - j]!;
      hash = nodes[j - 1]!.left ? hashChildren(hash, sibling) : hashChildren(sibling, hash);
    }
    if (!hash.equals(root)) throw new ProofError(`entry ${index} is not in the tree of size ${size}`);
    this.remember(nodes, computed, proof, 0);
  }

  /** Keeps the path at depths from `from` down (those above are unchanged and already remembered). */
  private remember(
    nodes: { lo: number; hi: number }[],
    computed: Buffer[],
    proof: readonly Buffer[],
    from: number,
  ): void {
    const depth = nodes.length - 1;
    this.path.length = nodes.length;
    for (let j = from; j <= depth; j++) {
      this.path[j] = {
        lo: nodes[j]!.lo,
        hi: nodes[j]!.hi,
        hash: computed[j]!,
        sibling: j > 0 ? proof[depth - j] : undefined,
      };
    }
  }
}
