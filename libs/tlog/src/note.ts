import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * C2SP signed-note with Ed25519 keys (signature type 0x01), and tlog-cosignature/v1 (type 0x04).
 * A note is text ending in a newline, an empty line, then lines `— <name> base64(key id || signature)`.
 */
export const ED25519_TYPE = 0x01;
export const COSIGNATURE_V1_TYPE = 0x04;
const EM_DASH = '\u2014';
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {
  override name = 'NoteError';
}

export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.of(type))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/.test(name) && !name.includes(EM_DASH);
}

export interface NoteSigner {
  name: string;
  type: number;
  publicKey: Buffer;
  id: Buffer;
  /** The raw signature bytes for the note text (after the key id). */
  signature(text: string): Buffer;
}

export interface Ed25519Key {
  name: string;
  seed: Buffer;
  publicKey: Buffer;
  privateKey: KeyObject;
}

export function ed25519FromSeed(name: string, seed: Buffer): Ed25519Key {
  if (!isValidKeyName(name)) throw new NoteError(`bad key name ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  return { name, seed, publicKey: Buffer.from(publicKey), privateKey };
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/** The log's signer: a plain Ed25519 note signature. */
export function noteSigner(key: Ed25519Key): NoteSigner {
  return {
    name: key.name,
    type: ED25519_TYPE,
    publicKey: key.publicKey,
    id: keyId(key.name, ED25519_TYPE, key.publicKey),
    signature: (text) => sign(null, Buffer.from(text, 'utf8'), key.privateKey),
  };
}

/** A witness's signer: timestamp || Ed25519 over "cosignature/v1\ntime <t>\n" || checkpoint body. */
export function cosignatureSigner(
  key: Ed25519Key,
  now: () => number = () => Math.floor(Date.now() / 1000),
): NoteSigner {
  return {
    name: key.name,
    type: COSIGNATURE_V1_TYPE,
    publicKey: key.publicKey,
    id: keyId(key.name, COSIGNATURE_V1_TYPE, key.publicKey),
    signature: (text) => {
      const time = now();
      const stamp = Buffer.alloc(8);
      stamp.writeBigUInt64BE(BigInt(time));
      const message = Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8');
      return Buffer.concat([stamp, sign(null, message, key.privateKey)]);
    },
  };
}

/** A note signature line for `text` (no trailing newline). */
export function signatureLine(signer: NoteSigner, text: string): string {
  return `${EM_DASH} ${signer.name} ${Buffer.concat([signer.id, signer.signature(text)]).toString('base64')}`;
}

export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  return `${text}\n${signers.map((signer) => `${signatureLine(signer, text)}\n`).join('')}`;
}

/** A vkey: `<name>+<hex key id>+<base64(type || public key)>`, what a verifier is configured with. */
export function verifierKey(name: string, type: number, publicKey: Buffer): string {
  return `${name}+${keyId(name, type, publicKey).toString('hex')}+${Buffer.concat([Buffer.of(type), publicKey]).toString('base64')}`;
}

/** `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`, the format Go's note.NewSigner reads. */
export function signerKey(key: Ed25519Key): string {
  const id = keyId(key.name, ED25519_TYPE, key.publicKey).toString('hex');
  return `PRIVATE+KEY+${key.name}+${id}+${Buffer.concat([Buffer.of(ED25519_TYPE), key.seed]).toString('base64')}`;
}

export function parseSignerKey(text: string): Ed25519Key {
  // The base64 key material may itself contain '+': only the first four separate fields.
  const match = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(text.trim());
  if (!match) throw new NoteError('malformed signer key');
  const parts = ['PRIVATE', 'KEY', match[1]!, match[2]!, match[3]!];
  const raw = Buffer.from(parts[4]!, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw new NoteError('signer key is not an Ed25519 key');
  const key = ed25519FromSeed(parts[2]!, raw.subarray(1));
  if (keyId(key.name, ED25519_TYPE, key.publicKey).toString('hex') !== parts[3])
    throw new NoteError('signer key id does not match its key');
  return key;
}

export interface NoteVerifier {
  name: string;
  type: number;
  id: Buffer;
  publicKey: Buffer;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  const match = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey.trim());
  if (!match || !isValidKeyName(match[1]!)) throw new NoteError('malformed verifier key');
  const parts = [match[1]!, match[2]!, match[3]!];
  const raw = Buffer.from(parts[2]!, 'base64');
  const type = raw[0];
  if (raw.length !== 33 || (type !== ED25519_TYPE && type !== COSIGNATURE_V1_TYPE))
    throw new NoteError('verifier key is not an Ed25519 or cosignature/v1 key');
  const publicKey = raw.subarray(1);
  const id = keyId(parts[0]!, type, publicKey);
  if (id.toString('hex') !== parts[1]) throw new NoteError('verifier key id does not match its key');
  return { name: parts[0]!, type, id, publicKey };
}

export interface NoteSignature {
  name: string;
  id: Buffer;
  signature: Buffer;
  line: string;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export function parseNote(note: string): ParsedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!match) throw new NoteError('malformed signature line');
      const raw = Buffer.from(match[2]!, 'base64');
      // One spelling per signature: base64 whose unused bits differ would decode to the same bytes.
      if (raw.toString('base64') !== match[2]) throw new NoteError('signature is not canonical base64');
      if (raw.length < 5) throw new NoteError('signature too short');
      return { name: match[1]!, id: raw.subarray(0, 4), signature: raw.subarray(4), line };
    });
  if (signatures.length === 0) throw new NoteError('note has no signatures');
  return { text, signatures };
}

/** Whether `sig` is a valid signature by `verifier` over the note text (for cosignatures, returns its time). */
export function checkSignature(
  verifier: NoteVerifier,
  text: string,
  sig: NoteSignature,
): { ok: boolean; time?: number } {
  if (sig.name !== verifier.name || !sig.id.equals(verifier.id)) return { ok: false };
  const key = publicKeyObject(verifier.publicKey);
  if (verifier.type === ED25519_TYPE) {
    return { ok: sig.signature.length === 64 && verify(null, Buffer.from(text, 'utf8'), key, sig.signature) };
  }
  if (sig.signature.length !== 72) return { ok: false };
  const time = Number(sig.signature.readBigUInt64BE(0));
  const message = Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8');
  return { ok: verify(null, message, key, sig.signature.subarray(8)), time };
}

/** Opens a note: the text, if at least one signature verifies under `verifiers`; unknown keys are ignored. */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; verifiedBy: string[] } {
  const { text, signatures } = parseNote(note);
  const verifiedBy: string[] = [];
  for (const sig of signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.id.equals(sig.id));
    if (!verifier) continue;
    if (!checkSignature(verifier, text, sig).ok) throw new NoteError(`invalid signature by ${sig.name}`);
    verifiedBy.push(sig.name);
  }
  if (verifiedBy.length === 0) throw new NoteError('no signature by a known key');
  return { text, verifiedBy };
}
