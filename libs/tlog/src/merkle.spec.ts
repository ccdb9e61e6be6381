import { MemoryHashReader, consistencyProof, inclusionProof, treeHash } from './proofs';
import { ProofError, hashLeaf, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './merkle';

// Published RFC 6962 test vectors. Leaves and roots: google/trillian testonly/compact_merkle_tree.go
// (GetInputs, GetTestRoots), "constants from C++ test" of google/certificate-transparency
// cpp/merkletree/merkle_tree_test.cc. Proofs: transparency-dev/merkle testonly/reference_test.go
// (TestRefInclusionProof, TestRefConsistencyProof), over the same leaves.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (hex) => Buffer.from(hex, 'hex'),
);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 2, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));
const leafHashes = LEAVES.map(hashLeaf);
const sut = new MemoryHashReader(leafHashes);

describe('RFC 6962 Merkle tree (published test vectors)', () => {
  it.each(ROOTS.map((root, i) => [i + 1, root] as const))(
    'the root of the first %i leaves is %s',
    async (size, root) => {
      expect(rootFromLeafHashes(leafHashes.slice(0, size)).toString('hex')).toBe(root);
      expect((await treeHash(sut, size)).toString('hex')).toBe(root);
    },
  );

  it('the empty tree hashes to SHA-256 of nothing', () => {
    expect(rootFromLeafHashes([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it.each(INCLUSION)('proves leaf $index in a tree of $size as published, and verifies it', async (vector) => {
    const proof = await inclusionProof(sut, vector.index, vector.size);
    expect(hex(proof)).toEqual(vector.proof);
    const root = Buffer.from(ROOTS[vector.size - 1]!, 'hex');
    expect(() => verifyInclusion(leafHashes[vector.index]!, vector.index, vector.size, proof, root)).not.toThrow();
  });

  it.each(CONSISTENCY)('proves size $size1 is a prefix of $size2 as published, and verifies it', async (vector) => {
    const proof = await consistencyProof(sut, vector.size1, vector.size2);
    expect(hex(proof)).toEqual(vector.proof);
    const [root1, root2] = [vector.size1, vector.size2].map((size) => Buffer.from(ROOTS[size - 1]!, 'hex'));
    expect(() => verifyConsistency(vector.size1, vector.size2, proof, root1!, root2!)).not.toThrow();
  });

  it('verifies every inclusion and consistency proof up to 40 leaves, and refuses each with a flipped bit', async () => {
    const many = Array.from({ length: 40 }, (_, i) => hashLeaf(Buffer.from([i, i >> 8])));
    const reader = new MemoryHashReader(many);
    for (let size = 1; size <= many.length; size++) {
      const root = rootFromLeafHashes(many.slice(0, size));
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(reader, index, size);
        verifyInclusion(many[index]!, index, size, proof, root);
        if (proof.length > 0) {
          const bad = proof.map((hash) => Buffer.from(hash));
          bad[0]![0]! ^= 1;
          expect(() => verifyInclusion(many[index]!, index, size, bad, root)).toThrow(ProofError);
        }
        if (size > 1)
          expect(() => verifyInclusion(many[(index + 1) % size]!, index, size, proof, root)).toThrow(ProofError);
      }
      for (let size1 = 1; size1 < size; size1++) {
        const root1 = rootFromLeafHashes(many.slice(0, size1));
        const proof = await consistencyProof(reader, size1, size);
        verifyConsistency(size1, size, proof, root1, root);
        expect(() => verifyConsistency(size1, size, proof.slice(1), root1, root)).toThrow(ProofError);
        const forged = Buffer.from(root1);
        forged[5]! ^= 0x80;
        expect(() => verifyConsistency(size1, size, proof, forged, root)).toThrow(ProofError);
      }
    }
  });
});
