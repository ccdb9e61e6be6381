import {
  ED25519_TYPE,
  MemoryHashReader,
  canonicalBytes,
  ed25519FromSeed,
  formatCheckpoint,
  hashLeaf,
  inclusionProof,
  noteSigner,
  rootFromLeafHashes,
  signNote,
  verifierKey,
  type Ed25519Key,
} from '@bnp/tlog';
import { createHash } from 'node:crypto';
import { BUNDLE_FORMAT } from './bundle-verifier';

/** Test data: a small log holding entries of two incidents, and bundles exported from it as the service does. */
export const ORIGIN = 'bnp.local/transparency-log';
export const LOG_KEY = ed25519FromSeed(ORIGIN, Buffer.alloc(32, 21));
export const LOG_VKEY = verifierKey(ORIGIN, ED25519_TYPE, LOG_KEY.publicKey);

export function logEntries(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    canonicalBytes({
      v: 1,
      type: i % 3 === 0 ? 'exposure_decision' : 'notification',
      incident: i % 2 === 0 ? 'INC-A' : 'INC-B',
      n: i,
    }),
  );
}

export function checkpointNote(entries: Buffer[], size: number, key: Ed25519Key = LOG_KEY): string {
  const root = rootFromLeafHashes(entries.slice(0, size).map(hashLeaf));
  return signNote(formatCheckpoint({ origin: ORIGIN, size, root }), [noteSigner(key)]);
}

/** The NDJSON bundle of `incident` against the tree of the first `size` entries. */
export async function bundleOf(
  entries: Buffer[],
  size: number,
  incident: string,
  key: Ed25519Key = LOG_KEY,
): Promise<string> {
  const leaves = entries.slice(0, size).map(hashLeaf);
  const reader = new MemoryHashReader(leaves);
  const root = rootFromLeafHashes(leaves);
  const lines = [
    JSON.stringify({
      format: BUNDLE_FORMAT,
      origin: ORIGIN,
      log_key: LOG_VKEY,
      incident,
      tree_size: size,
      checkpoint: checkpointNote(entries, size, key),
    }),
  ];
  const digest = createHash('sha256');
  let count = 0;
  for (let index = 0; index < size; index++) {
    if ((JSON.parse(entries[index]!.toString()) as { incident: string }).incident !== incident) continue;
    const proof = await inclusionProof(reader, index, size);
    lines.push(
      JSON.stringify({
        index,
        entry: entries[index]!.toString('base64'),
        proof: proof.map((h) => h.toString('base64')),
      }),
    );
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64BE(BigInt(index));
    digest.update(prefix).update(leaves[index]!);
    count++;
  }
  const statement = [
    BUNDLE_FORMAT,
    ORIGIN,
    size,
    root.toString('base64'),
    incident,
    count,
    digest.digest('base64'),
    '',
  ].join('\n');
  lines.push(JSON.stringify({ statement: signNote(statement, [noteSigner(key)]) }));
  return `${lines.join('\n')}\n`;
}
