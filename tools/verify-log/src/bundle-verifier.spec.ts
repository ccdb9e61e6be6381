import { ed25519FromSeed, parseVerifierKey } from '@bnp/tlog';
import { BundleVerifier, VerificationError, type TrustAnchors } from './bundle-verifier';
import { LOG_VKEY, ORIGIN, bundleOf, checkpointNote, logEntries } from './bundle.factory';

const entries = logEntries(40);
const trust: TrustAnchors = { logKey: parseVerifierKey(LOG_VKEY) };

function verify(text: string, anchors: TrustAnchors = trust) {
  const sut = new BundleVerifier(anchors);
  for (const line of text.split('\n')) sut.line(line);
  return sut.finish();
}

const lines = (text: string) => text.trimEnd().split('\n');
const join = (parts: string[]) => `${parts.join('\n')}\n`;

describe(BundleVerifier.name, () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleOf(entries, 37, 'INC-A');
  });

  it('accepts an untouched bundle and counts its entries by type', () => {
    expect(verify(bundle)).toMatchObject({ origin: ORIGIN, incident: 'INC-A', treeSize: 37, entries: 19 });
    expect(verify(bundle).types).toEqual({ exposure_decision: 7, notification: 12 });
  });

  it('detects an edited byte anywhere in the bundle', async () => {
    const small = await bundleOf(entries, 5, 'INC-A');
    const bytes = Buffer.from(small);
    const missed: number[] = [];
    for (let at = 0; at < bytes.length; at++) {
      const edited = Buffer.from(bytes);
      edited[at]! ^= 0x01;
      try {
        verify(edited.toString('latin1'));
        missed.push(at);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
      }
    }
    expect(missed.map((at) => JSON.stringify(small.slice(Math.max(0, at - 10), at + 10)))).toEqual([]);
  });

  it('detects an edited entry even with its line otherwise well-formed', () => {
    const parts = lines(bundle);
    const entry = JSON.parse(parts[3]!) as { entry: string };
    const data = Buffer.from(entry.entry, 'base64');
    data[data.length - 3]! ^= 0x02;
    parts[3] = JSON.stringify({ ...entry, entry: data.toString('base64') });
    expect(() => verify(join(parts))).toThrow(/entry \d+ is not in the tree/);
  });

  it('detects a dropped entry', () => {
    const parts = lines(bundle);
    parts.splice(5, 1);
    expect(() => verify(join(parts))).toThrow(/the log signed 19 entries for this bundle; it holds 18/);
  });

  it('detects reordered and repeated entries', () => {
    const parts = lines(bundle);
    [parts[2], parts[3]] = [parts[3]!, parts[2]!];
    expect(() => verify(join(parts))).toThrow(/out of order/);
    const repeated = lines(bundle);
    repeated.splice(4, 0, repeated[3]!);
    expect(() => verify(join(repeated))).toThrow(/out of order/);
  });

  it('detects a bundle cut short, with or without its last lines', () => {
    expect(() => verify(bundle.slice(0, Math.floor(bundle.length / 2)))).toThrow(VerificationError);
    expect(() => verify(join(lines(bundle).slice(0, -1)))).toThrow(/cut short/);
    expect(() => verify(join(lines(bundle).slice(0, -3)))).toThrow(/cut short/);
  });

  it('detects an entry of another incident slipped in, even with a valid proof', async () => {
    const other = lines(await bundleOf(entries, 37, 'INC-B'));
    const parts = lines(bundle);
    parts.splice(2, 0, other[1]!);
    expect(() => verify(join(parts))).toThrow(/another incident|out of order/);
  });

  it('detects a forged checkpoint: another key under the log’s name, even if the bundle names that key', async () => {
    const forger = ed25519FromSeed(ORIGIN, Buffer.alloc(32, 99));
    const forged = await bundleOf(entries, 37, 'INC-A', forger);
    expect(() => verify(forged)).toThrow(/checkpoint signature: no signature by a known key/);
    const parts = lines(bundle);
    const header = JSON.parse(parts[0]!) as Record<string, unknown>;
    parts[0] = JSON.stringify({ ...header, checkpoint: checkpointNote(entries, 37, forger) });
    expect(() => verify(join(parts))).toThrow(/checkpoint signature/);
  });

  it('detects a replayed older checkpoint, alone or with the whole older bundle', async () => {
    const parts = lines(bundle);
    const header = JSON.parse(parts[0]!) as Record<string, unknown>;
    parts[0] = JSON.stringify({ ...header, tree_size: 30, checkpoint: checkpointNote(entries, 30) });
    expect(() => verify(join(parts))).toThrow(VerificationError);
    // A regulator who already holds the size-37 checkpoint is not fooled by a complete bundle of size 30.
    const older = await bundleOf(entries, 30, 'INC-A');
    expect(verify(older).treeSize).toBe(30);
    expect(() => verify(older, { ...trust, known: checkpointNote(entries, 37) })).toThrow(/replayed checkpoint/);
  });

  it('requires the witnesses the verifier names', () => {
    const witness = ed25519FromSeed('witness.local/bnp', Buffer.alloc(32, 7));
    const { verifierKey, COSIGNATURE_V1_TYPE } = jest.requireActual<typeof import('@bnp/tlog')>('@bnp/tlog');
    const anchors = {
      ...trust,
      witnessKeys: [parseVerifierKey(verifierKey(witness.name, COSIGNATURE_V1_TYPE, witness.publicKey))],
    };
    expect(() => verify(bundle, anchors)).toThrow(/not cosigned by witness witness.local\/bnp/);
  });
});
