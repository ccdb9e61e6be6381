import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import {
  COSIGNATURE_V1_TYPE,
  ED25519_TYPE,
  NoteError,
  cosignatureSigner,
  ed25519FromSeed,
  noteSigner,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  signerKey,
  verifierKey,
} from './note';

// The signed-note example of golang.org/x/mod/sumdb/note (note_test.go, TestSign): Ed25519 is
// deterministic, so our signature must be byte-for-byte Go's.
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes', () => {
  const key = parseSignerKey(GO_SKEY);

  it('signs exactly as Go’s note package does, with the key id of the signed-note spec', () => {
    expect(signNote(GO_TEXT, [noteSigner(key)])).toBe(GO_NOTE);
    expect(verifierKey(key.name, ED25519_TYPE, key.publicKey)).toBe(GO_VKEY);
    expect(signerKey(key)).toBe(GO_SKEY);
  });

  it('opens a note signed by a known key and ignores unknown signers', () => {
    const other = ed25519FromSeed('witness.example/w1', Buffer.alloc(32, 3));
    const note = signNote(GO_TEXT, [noteSigner(other), noteSigner(key)]);
    expect(openNote(note, [parseVerifierKey(GO_VKEY)])).toEqual({ text: GO_TEXT, verifiedBy: ['PeterNeumann'] });
  });

  it('refuses a note whose text was edited, or that no known key signed', () => {
    expect(() => openNote(GO_NOTE.replace('problem,', 'problem.'), [parseVerifierKey(GO_VKEY)])).toThrow(
      'invalid signature by PeterNeumann',
    );
    const stranger = ed25519FromSeed('PeterNeumann', Buffer.alloc(32, 1));
    expect(() => openNote(signNote(GO_TEXT, [noteSigner(stranger)]), [parseVerifierKey(GO_VKEY)])).toThrow(
      'no signature by a known key',
    );
  });

  it('makes cosignature/v1 signatures a witness verifier accepts, with their timestamp', () => {
    const witness = ed25519FromSeed('witness.local/bnp', Buffer.alloc(32, 5));
    const text = formatCheckpoint({ origin: 'bnp.local/log', size: 3, root: Buffer.alloc(32, 1) });
    const note = signNote(text, [cosignatureSigner(witness, () => 1700000000)]);
    const vkey = verifierKey(witness.name, COSIGNATURE_V1_TYPE, witness.publicKey);
    expect(openNote(note, [parseVerifierKey(vkey)]).verifiedBy).toEqual(['witness.local/bnp']);
    // The same key as a plain note key has another key id: a cosignature is never taken for a log signature.
    const asLogKey = parseVerifierKey(verifierKey(witness.name, ED25519_TYPE, witness.publicKey));
    expect(() => openNote(note, [asLogKey])).toThrow(NoteError);
  });

  it('parses checkpoints and refuses malformed ones', () => {
    const text = 'bnp.local/log\n42\n' + Buffer.alloc(32, 9).toString('base64') + '\n';
    expect(parseCheckpoint(text)).toEqual({ origin: 'bnp.local/log', size: 42, root: Buffer.alloc(32, 9) });
    expect(() => parseCheckpoint(text.replace('\n42\n', '\n042\n'))).toThrow(NoteError);
    expect(() => parseCheckpoint('bnp.local/log\n42\nAAAA\n')).toThrow(NoteError);
  });
});
