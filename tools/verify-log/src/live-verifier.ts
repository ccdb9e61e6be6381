import {
  HASH_SIZE,
  TILE_WIDTH,
  decodeEntryBundle,
  hashChildren,
  openNote,
  parseCheckpoint,
  hashLeaf,
  tilePath,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type SubtreeHashReader,
} from '@bnp/tlog';
import { VerificationError, verifyCheckpointNote, type TrustAnchors } from './bundle-verifier';

export interface LiveReport {
  origin: string;
  treeSize: number;
  root: string;
  cosignedBy: string[];
  entriesProved: number;
  consistentWith?: number;
  /** The checkpoint note, to keep as `known` for the next run. */
  checkpoint: string;
}

/**
 * The bearer token the log (or regulator-api's /log) asks for, from VERIFY_LOG_TOKEN: read from the
 * environment, never from the command line, where other users of the machine could see it.
 */
export function bearerHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const token = env.VERIFY_LOG_TOKEN?.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function get(url: string): Promise<Buffer> {
  const res = await fetch(url, { headers: bearerHeaders() });
  if (!res.ok) throw new VerificationError(`GET ${url}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Subtree hashes read from the log's hash tiles as of one tree size (only to recompute its root). */
class HttpTileReader implements SubtreeHashReader {
  private readonly tiles = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly base: string,
    private readonly size: number,
  ) {}

  async subtreeHash(level: number, index: number): Promise<Buffer> {
    const tileLevel = Math.floor(level / 8);
    const inner = level % 8;
    const perTile = TILE_WIDTH >> inner;
    const n = Math.floor(index / perTile);
    const width = Math.min(TILE_WIDTH, Math.floor(this.size / TILE_WIDTH ** tileLevel) - n * TILE_WIDTH);
    const path = tilePath({ level: tileLevel, index: n, width });
    let tile = this.tiles.get(path);
    if (!tile) this.tiles.set(path, (tile = get(`${this.base}/${path}`)));
    const bytes = await tile;
    if (bytes.length !== width * HASH_SIZE) throw new VerificationError(`tile ${path} has the wrong length`);
    let hashes: Buffer[] = [];
    const first = (index - n * perTile) << inner;
    for (let i = 0; i < 1 << inner; i++)
      hashes.push(bytes.subarray((first + i) * HASH_SIZE, (first + i + 1) * HASH_SIZE));
    while (hashes.length > 1) {
      const up: Buffer[] = [];
      for (let i = 0; i < hashes.length; i += 2) up.push(hashChildren(hashes[i]!, hashes[i + 1]!));
      hashes = up;
    }
    return hashes[0]!;
  }
}

/**
 * Verifies the live log: its checkpoint under the pinned key (and witnesses), that its tiles hash to
 * the checkpoint's root, sampled entries from the entry bundles with the log's inclusion proofs, and,
 * given the checkpoint seen before, the log's consistency proof from it.
 */
export async function verifyLive(url: string, anchors: TrustAnchors, sample = 16): Promise<LiveReport> {
  const base = url.replace(/\/+$/, '');
  const note = (await get(`${base}/checkpoint`)).toString('utf8');
  const { checkpoint, cosignedBy } = verifyCheckpointNote(note, anchors);
  const { size, root } = checkpoint;
  if (size > 0 && !(await treeHash(new HttpTileReader(base, size), size)).equals(root))
    throw new VerificationError('the tiles do not hash to the checkpoint’s root');
  let proved = 0;
  for (let k = 0; k < Math.min(sample, size); k++) {
    const index = k === sample - 1 ? size - 1 : Math.floor((k * size) / sample);
    const n = Math.floor(index / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
    const entry = decodeEntryBundle(await get(`${base}/${tilePath({ level: -1, index: n, width })}`))[
      index - n * TILE_WIDTH
    ];
    if (!entry) throw new VerificationError(`entry ${index} is missing from its bundle`);
    const { proof } = JSON.parse((await get(`${base}/proof/inclusion?index=${index}&size=${size}`)).toString()) as {
      proof: string[];
    };
    try {
      verifyInclusion(
        hashLeaf(entry),
        index,
        size,
        proof.map((h) => Buffer.from(h, 'base64')),
        root,
      );
    } catch (error) {
      throw new VerificationError(`entry ${index}: ${error instanceof Error ? error.message : String(error)}`);
    }
    proved++;
  }
  const report: LiveReport = {
    origin: checkpoint.origin,
    treeSize: size,
    root: root.toString('base64'),
    cosignedBy,
    entriesProved: proved,
    checkpoint: note,
  };
  if (anchors.known) {
    const known = parseCheckpoint(openNote(anchors.known, [anchors.logKey]).text);
    if (known.size > 0 && known.size < size) {
      const { proof } = JSON.parse(
        (await get(`${base}/proof/consistency?from=${known.size}&to=${size}`)).toString(),
      ) as {
        proof: string[];
      };
      try {
        verifyConsistency(
          known.size,
          size,
          proof.map((h) => Buffer.from(h, 'base64')),
          known.root,
          root,
        );
      } catch (error) {
        throw new VerificationError(
          `the log is not consistent with the checkpoint you hold: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    report.consistentWith = known.size;
  }
  return report;
}
