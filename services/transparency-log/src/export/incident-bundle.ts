import { createHash } from 'node:crypto';

/**
 * The per-incident export bundle, NDJSON (one JSON object per line) so that a bundle of a million
 * entries streams instead of being held whole:
 *   line 1    {"format", "origin", "log_key", "incident", "tree_size", "checkpoint"}
 *   lines 2.. {"index", "entry" (base64 canonical bytes), "proof" (base64 RFC 6962 path)}, index order
 *   last      {"statement"}: a note signed with the log key over the bundle's summary (below), so a
 *             dropped, added, reordered or truncated entry is detected offline.
 */
export const BUNDLE_FORMAT = 'bnp-tlog-incident-bundle/v1';

export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  origin: string;
  log_key: string;
  incident: string;
  tree_size: number;
  checkpoint: string;
}

export interface BundleEntry {
  index: number;
  entry: string;
  proof: string[];
}

export interface BundleTrailer {
  statement: string;
}

/** SHA-256 over u64be(index) || leaf hash of every entry, in order. */
export class BundleDigest {
  private readonly hash = createHash('sha256');
  count = 0;

  add(index: number, leafHash: Buffer): void {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64BE(BigInt(index));
    this.hash.update(prefix).update(leafHash);
    this.count++;
  }

  digest(): Buffer {
    return this.hash.digest();
  }
}

/**
 * The statement's note text. Its first line is not an origin, so no checkpoint verifier of this log
 * can take it for a checkpoint even though the same key signs it.
 */
export function statementText(fields: {
  origin: string;
  treeSize: number;
  root: Buffer;
  incident: string;
  count: number;
  digest: Buffer;
}): string {
  return [
    BUNDLE_FORMAT,
    fields.origin,
    String(fields.treeSize),
    fields.root.toString('base64'),
    fields.incident,
    String(fields.count),
    fields.digest.toString('base64'),
    '',
  ].join('\n');
}
