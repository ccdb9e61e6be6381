import { hashLeaf, rootFromLeafHashes, ProofError } from './merkle';
import { MemoryHashReader, inclusionProof } from './proofs';
import { PathVerifier } from './path-verifier';

describe(PathVerifier.name, () => {
  const leaves = Array.from({ length: 300 }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
  const reader = new MemoryHashReader(leaves);

  it.each([1, 2, 7, 64, 255, 256, 257, 300])(
    'verifies every entry of a tree of %i in order, and any order',
    async (size) => {
      const root = rootFromLeafHashes(leaves.slice(0, size));
      const sut = new PathVerifier(size, root);
      const proofs = await Promise.all(Array.from({ length: size }, (_, i) => inclusionProof(reader, i, size)));
      for (let i = 0; i < size; i++) sut.verify(leaves[i]!, i, proofs[i]!);
      for (const i of [size - 1, 0, Math.floor(size / 2), 3 % size]) sut.verify(leaves[i]!, i, proofs[i]!);
    },
  );

  it('refuses a wrong leaf, a wrong index and every edited proof hash, even after verifying neighbours', async () => {
    const size = 300;
    const root = rootFromLeafHashes(leaves.slice(0, size));
    const proofs = await Promise.all(Array.from({ length: size }, (_, i) => inclusionProof(reader, i, size)));
    for (const i of [1, 100, 255, 256, 299]) {
      const sut = new PathVerifier(size, root);
      sut.verify(leaves[i - 1]!, i - 1, proofs[i - 1]!);
      expect(() => sut.verify(leaves[i - 1]!, i, proofs[i]!)).toThrow(ProofError);
      for (let p = 0; p < proofs[i]!.length; p++) {
        const edited = proofs[i]!.map((hash) => Buffer.from(hash));
        edited[p]![7]! ^= 0x10;
        expect(() => sut.verify(leaves[i]!, i, edited)).toThrow(ProofError);
      }
      sut.verify(leaves[i]!, i, proofs[i]!);
      expect(() => sut.verify(leaves[i]!, i, proofs[i]!.slice(1))).toThrow(ProofError);
    }
  });

  it('refuses every proof against another root', async () => {
    const root = Buffer.alloc(32, 1);
    const sut = new PathVerifier(10, root);
    expect(() => sut.verify(leaves[3]!, 3, [])).toThrow(ProofError);
    const proof = await inclusionProof(reader, 3, 10);
    expect(() => sut.verify(leaves[3]!, 3, proof)).toThrow(ProofError);
  });
});
