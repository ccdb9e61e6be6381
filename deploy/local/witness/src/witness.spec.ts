import {
  COSIGNATURE_V1_TYPE,
  ED25519_TYPE,
  MemoryHashReader,
  consistencyProof,
  ed25519FromSeed,
  formatCheckpoint,
  hashLeaf,
  noteSigner,
  openNote,
  parseVerifierKey,
  rootFromLeafHashes,
  signNote,
  verifierKey,
} from '@bnp/tlog';
import { FileWitnessState } from './state-file';
import { Witness } from './witness';

const ORIGIN = 'bnp.local/transparency-log';
const logKey = ed25519FromSeed(ORIGIN, Buffer.alloc(32, 1));
const witnessKey = ed25519FromSeed('witness.local/bnp', Buffer.alloc(32, 2));
const cosigner = parseVerifierKey(verifierKey(witnessKey.name, COSIGNATURE_V1_TYPE, witnessKey.publicKey));
const leaves = Array.from({ length: 20 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
const forked = leaves.map((leaf, i) => (i >= 6 ? hashLeaf(Buffer.from(`other ${i}`)) : leaf));

const note = (tree: Buffer[], size: number, key = logKey) =>
  signNote(formatCheckpoint({ origin: ORIGIN, size, root: rootFromLeafHashes(tree.slice(0, size)) }), [
    noteSigner(key),
  ]);

async function request(tree: Buffer[], oldSize: number, size: number, key = logKey): Promise<string> {
  const proof = await consistencyProof(new MemoryHashReader(tree.slice(0, size)), oldSize, size);
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${note(tree, size, key)}`;
}

describe(Witness.name, () => {
  let sut: Witness;
  beforeEach(() => {
    const logs = new Map([[ORIGIN, parseVerifierKey(verifierKey(ORIGIN, ED25519_TYPE, logKey.publicKey))]]);
    sut = new Witness(witnessKey, logs, new FileWitnessState(null), () => 1_800_000_000);
  });

  it('cosigns a first checkpoint with a timestamped cosignature/v1 a verifier accepts', async () => {
    const answer = await sut.addCheckpoint(await request(leaves, 0, 5));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^\u2014 witness\.local\/bnp \S+\n$/);
    const cosigned = `${note(leaves, 5)}${answer.body}`;
    expect(openNote(cosigned, [cosigner]).verifiedBy).toEqual(['witness.local/bnp']);
  });

  it('cosigns a consistent extension and answers 409 with its size to a stale old size', async () => {
    expect((await sut.addCheckpoint(await request(leaves, 0, 5))).status).toBe(200);
    expect((await sut.addCheckpoint(await request(leaves, 5, 12))).status).toBe(200);
    const stale = await sut.addCheckpoint(await request(leaves, 5, 15));
    expect(stale).toEqual({ status: 409, contentType: 'text/x.tlog.size', body: '12\n' });
  });

  it('refuses a tree inconsistent with one it cosigned: a fork after entry 6', async () => {
    expect((await sut.addCheckpoint(await request(leaves, 0, 8))).status).toBe(200);
    const fork = await sut.addCheckpoint(await request(forked, 8, 12));
    expect(fork.status).toBe(422);
    const sameSize = await sut.addCheckpoint(await request(forked, 8, 8));
    expect(sameSize.status).toBe(409);
    // It still cosigns the honest tree afterwards.
    expect((await sut.addCheckpoint(await request(leaves, 8, 12))).status).toBe(200);
  });

  it('refuses what the spec says it must', async () => {
    const stranger = ed25519FromSeed(ORIGIN, Buffer.alloc(32, 9));
    expect((await sut.addCheckpoint(await request(leaves, 0, 5, stranger))).status).toBe(403);
    const unknown = signNote(formatCheckpoint({ origin: 'other.log', size: 1, root: leaves[0]! }), [
      noteSigner(ed25519FromSeed('other.log', Buffer.alloc(32, 3))),
    ]);
    expect((await sut.addCheckpoint(`old 0\n\n${unknown}`)).status).toBe(404);
    expect((await sut.addCheckpoint(`old 9\n\n${note(leaves, 5)}`)).status).toBe(400);
    expect((await sut.addCheckpoint(`old 0\nAAAA\n\n${note(leaves, 5)}`)).status).toBe(400);
  });

  it('never rolls back under concurrent requests: one of two racing extensions wins', async () => {
    expect((await sut.addCheckpoint(await request(leaves, 0, 4))).status).toBe(200);
    const answers = await Promise.all([
      sut.addCheckpoint(await request(leaves, 4, 10)),
      sut.addCheckpoint(await request(leaves, 4, 16)),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
  });
});
