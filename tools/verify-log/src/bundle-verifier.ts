import { createHash } from 'node:crypto';
import {
  checkSignature,
  hashLeaf,
  openNote,
  parseCheckpoint,
  parseNote,
  verifierKey,
  PathVerifier,
  type Checkpoint,
  type NoteVerifier,
} from '@bnp/tlog';

/** The format tools/verify-log reads: see services/transparency-log/src/export/incident-bundle.ts. */
export const BUNDLE_FORMAT = 'bnp-tlog-incident-bundle/v1';

export class VerificationError extends Error {
  override name = 'VerificationError';
}

export interface TrustAnchors {
  /** The log's verifier key, obtained out of band (never the one inside the bundle). */
  logKey: NoteVerifier;
  /** Witnesses whose cosignatures are required (cosignature/v1 verifier keys). */
  witnessKeys?: NoteVerifier[];
  /** The newest checkpoint the verifier saw before (a note): an older one in the bundle is a replay. */
  known?: string;
}

export interface BundleReport {
  origin: string;
  incident: string;
  treeSize: number;
  root: string;
  entries: number;
  cosignedBy: string[];
  /** Per entry type, how many: what the regulator's figures can be re-derived from. */
  types: Record<string, number>;
}

function fail(message: string): never {
  throw new VerificationError(message);
}

/** Base64 that re-encodes to itself: a hash or entry has one spelling, so no edit goes unnoticed. */
function strictBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) fail(`${what} is not canonical base64`);
  return bytes;
}

function parseLine<T>(line: string, what: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    return fail(`${what} is not JSON (the bundle is cut or edited)`);
  }
}

/** Opens a checkpoint note with the pinned log key, checks the witnesses, and compares it with the known one. */
export function verifyCheckpointNote(
  note: string,
  anchors: TrustAnchors,
): { checkpoint: Checkpoint; cosignedBy: string[] } {
  let text: string;
  try {
    text = openNote(note, [anchors.logKey]).text;
  } catch (error) {
    return fail(`checkpoint signature: ${error instanceof Error ? error.message : String(error)}`);
  }
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== anchors.logKey.name) fail(`checkpoint origin ${checkpoint.origin} is not the log's`);
  const { signatures } = parseNote(note);
  const cosignedBy: string[] = [];
  for (const witness of anchors.witnessKeys ?? []) {
    const sig = signatures.find((s) => s.name === witness.name && s.id.equals(witness.id));
    if (!sig || !checkSignature(witness, text, sig).ok) fail(`checkpoint is not cosigned by witness ${witness.name}`);
    cosignedBy.push(witness.name);
  }
  if (anchors.known) {
    const known = parseCheckpoint(openNote(anchors.known, [anchors.logKey]).text);
    if (checkpoint.size < known.size)
      fail(`replayed checkpoint: size ${checkpoint.size} is older than the ${known.size} you already hold`);
    if (checkpoint.size === known.size && !checkpoint.root.equals(known.root))
      fail(`two different trees of size ${known.size}: the log forked`);
  }
  return { checkpoint, cosignedBy };
}

/**
 * Verifies an incident bundle line by line (it may hold a million entries): the checkpoint under the
 * pinned key (and witnesses), every entry's inclusion proof against it, index order, the incident of
 * every entry, and the closing statement signed by the log over the count and digest of the entries,
 * so a dropped, added, reordered or cut entry fails as surely as an edited one.
 */
export class BundleVerifier {
  private header?: {
    origin: string;
    incident: string;
    checkpoint: Checkpoint;
    cosignedBy: string[];
    paths: PathVerifier;
  };
  private readonly digest = createHash('sha256');
  private count = 0;
  private last = -1;
  private done = false;
  private readonly types: Record<string, number> = {};

  constructor(private readonly anchors: TrustAnchors) {}

  line(text: string): void {
    if (text.length === 0) return;
    if (this.done) fail('lines after the closing statement');
    if (!this.header) return this.readHeader(text);
    const line = parseLine<{ index?: unknown; entry?: unknown; proof?: unknown; statement?: unknown }>(
      text,
      `line ${this.count + 2}`,
    );
    if (typeof line.statement === 'string') return this.readStatement(line.statement);
    this.readEntry(line);
  }

  finish(): BundleReport {
    if (!this.header) fail('empty bundle');
    if (!this.done) fail('the bundle has no closing statement: it was cut short');
    const { origin, incident, checkpoint, cosignedBy } = this.header;
    return {
      origin,
      incident,
      treeSize: checkpoint.size,
      root: checkpoint.root.toString('base64'),
      entries: this.count,
      cosignedBy,
      types: this.types,
    };
  }

  private readHeader(text: string): void {
    const header = parseLine<Record<string, unknown>>(text, 'the header');
    if (header.format !== BUNDLE_FORMAT) fail(`not a ${BUNDLE_FORMAT} bundle`);
    const pinned = this.anchors.logKey;
    if (header.log_key !== verifierKey(pinned.name, pinned.type, pinned.publicKey))
      fail('the bundle names another log key than the one you trust');
    if (typeof header.checkpoint !== 'string' || typeof header.incident !== 'string' || !header.incident)
      fail('the header lacks its checkpoint or incident');
    const { checkpoint, cosignedBy } = verifyCheckpointNote(header.checkpoint, this.anchors);
    if (header.tree_size !== checkpoint.size) fail('the header’s tree size is not its checkpoint’s');
    if (header.origin !== checkpoint.origin) fail('the header’s origin is not its checkpoint’s');
    const paths = new PathVerifier(checkpoint.size, checkpoint.root);
    this.header = { origin: checkpoint.origin, incident: header.incident, checkpoint, cosignedBy, paths };
  }

  private readEntry(line: { index?: unknown; entry?: unknown; proof?: unknown }): void {
    const { incident, paths } = this.header!;
    const { index, entry, proof } = line;
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || typeof entry !== 'string' || !Array.isArray(proof))
      fail(`line ${this.count + 2} is not an entry`);
    if (index <= this.last) fail(`entry ${index} is out of order (after ${this.last})`);
    const data = strictBase64(entry, `entry ${index}`);
    const leaf = hashLeaf(data);
    try {
      paths.verify(
        leaf,
        index,
        proof.map((hash) => strictBase64(String(hash), `a proof hash of entry ${index}`)),
      );
    } catch (error) {
      fail(`entry ${index}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const fields = parseLine<{ incident?: unknown; type?: unknown }>(data.toString('utf8'), `entry ${index}`);
    if (fields.incident !== incident) fail(`entry ${index} belongs to another incident`);
    const type = typeof fields.type === 'string' ? fields.type : 'unknown';
    this.types[type] = (this.types[type] ?? 0) + 1;
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64BE(BigInt(index));
    this.digest.update(prefix).update(leaf);
    this.last = index;
    this.count++;
  }

  private readStatement(statement: string): void {
    const { origin, incident, checkpoint } = this.header!;
    let text: string;
    try {
      text = openNote(statement, [this.anchors.logKey]).text;
    } catch (error) {
      return fail(`closing statement: ${error instanceof Error ? error.message : String(error)}`);
    }
    const expected = [
      BUNDLE_FORMAT,
      origin,
      String(checkpoint.size),
      checkpoint.root.toString('base64'),
      incident,
      String(this.count),
      this.digest.digest('base64'),
      '',
    ].join('\n');
    if (text !== expected) {
      const claimed = text.split('\n')[5];
      fail(
        `the log signed ${claimed} entries for this bundle; it holds ${this.count} or they differ (dropped or altered)`,
      );
    }
    this.done = true;
  }
}
