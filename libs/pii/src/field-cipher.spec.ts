import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { envelopeKeyId } from './envelope';
import { PiiCryptoError, PiiErrorCode } from './errors';
import { FieldCipher } from './field-cipher';
import { KeyRing } from './key-ring';

describe(FieldCipher.name, () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const ringV1: KeyRing = { activeKeyId: 'k1', keys: { k1 } };
  const ringV2: KeyRing = { activeKeyId: 'k2', keys: { k1, k2 } };
  const cipher = new FieldCipher(ringV1);

  const codeOf = (action: () => unknown): PiiErrorCode | undefined => {
    try {
      action();
    } catch (error) {
      return (error as PiiCryptoError).code;
    }
    return undefined;
  };

  it.each(['Muhammad Ali Khan', '', 'علی خان، لاہور', '😀'.repeat(1000)])('round-trips %#', (plaintext) => {
    expect(cipher.decrypt(cipher.encrypt(plaintext))).toBe(plaintext);
  });

  it('round-trips bytes that are not text, bound to their aad', () => {
    const bytes = Buffer.from([0x0a, 0xff, 0x00, 0xfe, 0x12]);
    const envelope = cipher.encryptBytes(bytes, 'dead-letter:g');
    expect(cipher.decryptBytes(envelope, 'dead-letter:g')).toEqual(bytes);
    expect(codeOf(() => cipher.decryptBytes(envelope, 'dead-letter:other'))).toBe(PiiErrorCode.DecryptFailed);
  });

  it('writes the documented envelope: version, key id, 12-byte IV, ciphertext, 16-byte tag', () => {
    const envelope = cipher.encrypt('abc');

    expect(envelope[0]).toBe(1);
    expect(envelope[1]).toBe(2);
    expect(envelope.subarray(2, 4).toString('utf8')).toBe('k1');
    expect(envelope).toHaveLength(1 + 1 + 2 + 12 + 3 + 16);
    expect(envelope.includes(Buffer.from('abc'))).toBe(false);
  });

  it('uses a fresh IV each time, so equal plaintexts do not give equal ciphertexts', () => {
    expect(cipher.encrypt('same')).not.toEqual(cipher.encrypt('same'));
  });

  describe('aad', () => {
    it('must match on decrypt, so a ciphertext cannot be moved to another row', () => {
      const envelope = cipher.encrypt('+923001234567', 'subscriber:1/msisdn');

      expect(cipher.decrypt(envelope, 'subscriber:1/msisdn')).toBe('+923001234567');
      expect(codeOf(() => cipher.decrypt(envelope, 'subscriber:2/msisdn'))).toBe(PiiErrorCode.DecryptFailed);
      expect(codeOf(() => cipher.decrypt(envelope))).toBe(PiiErrorCode.DecryptFailed);
    });

    it('is required on decrypt only if it was used on encrypt', () => {
      expect(codeOf(() => cipher.decrypt(cipher.encrypt('x'), 'extra'))).toBe(PiiErrorCode.DecryptFailed);
    });
  });

  describe('tampering', () => {
    const envelope = cipher.encrypt('Muhammad Ali Khan');
    const flipped = (position: number): Buffer => {
      const copy = Buffer.from(envelope);
      copy[position] = (copy[position] ?? 0) ^ 1;
      return copy;
    };

    it.each([
      ['IV', 4],
      ['ciphertext', 20],
      ['tag', envelope.length - 1],
    ])('is detected in the %s', (_part, position) => {
      expect(codeOf(() => cipher.decrypt(flipped(position)))).toBe(PiiErrorCode.DecryptFailed);
    });

    it('reports a truncated or foreign envelope as malformed', () => {
      expect(codeOf(() => cipher.decrypt(envelope.subarray(0, 20)))).toBe(PiiErrorCode.MalformedEnvelope);
      expect(codeOf(() => cipher.decrypt(Buffer.alloc(0)))).toBe(PiiErrorCode.MalformedEnvelope);
      expect(codeOf(() => cipher.decrypt(flipped(0)))).toBe(PiiErrorCode.MalformedEnvelope);
      expect(codeOf(() => cipher.decrypt('not a buffer' as unknown as Buffer))).toBe(PiiErrorCode.MalformedEnvelope);
    });

    it('does not leak plaintext in the error', () => {
      expect(() => cipher.decrypt(flipped(20))).not.toThrow(/Muhammad/);
    });
  });

  describe('key rotation', () => {
    const rotated = new FieldCipher(ringV2);

    it('still decrypts envelopes written under a retired key', () => {
      expect(rotated.decrypt(cipher.encrypt('old row'))).toBe('old row');
    });

    it('encrypts new data under the active key', () => {
      expect(envelopeKeyId(rotated.encrypt('new row'))).toBe('k2');
    });

    it('flags envelopes that are not under the active key', () => {
      expect(rotated.needsReencryption(cipher.encrypt('old'))).toBe(true);
      expect(rotated.needsReencryption(rotated.encrypt('new'))).toBe(false);
    });

    it('re-encrypts old envelopes under the active key and leaves current ones as they are', () => {
      const old = cipher.encrypt('old row', 'aad');
      const current = rotated.encrypt('new row', 'aad');
      const upgraded = rotated.reencrypt(old, 'aad');

      expect(envelopeKeyId(upgraded)).toBe('k2');
      expect(rotated.decrypt(upgraded, 'aad')).toBe('old row');
      expect(rotated.reencrypt(current, 'aad')).toBe(current);
    });

    it('refuses an envelope whose key was removed from the ring, naming the key id', () => {
      const withoutK1 = new FieldCipher({ activeKeyId: 'k2', keys: { k2 } });
      const old = cipher.encrypt('old row');

      expect(codeOf(() => withoutK1.decrypt(old))).toBe(PiiErrorCode.UnknownKeyId);
      expect(() => withoutK1.decrypt(old)).toThrow(/"k1"/);
    });

    it('does not accept a key id swapped in the header, even if that key exists', () => {
      const old = cipher.encrypt('old row');
      const relabelled = Buffer.from(old);
      relabelled.write('k2', 2, 'utf8');

      expect(codeOf(() => rotated.decrypt(relabelled))).toBe(PiiErrorCode.DecryptFailed);
    });
  });

  it('validates the key ring up front', () => {
    expect(() => new FieldCipher({ activeKeyId: 'k3', keys: { k1 } })).toThrow(
      expect.objectContaining({ code: PiiErrorCode.InvalidKeyRing }),
    );
    expect(() => new FieldCipher({ activeKeyId: 'k1', keys: { k1: randomBytes(16) } })).toThrow(PiiCryptoError);
  });

  it('does not expose key bytes when inspected or serialized', () => {
    const keyHex = k1.toString('hex');

    expect(JSON.stringify(cipher)).not.toContain(keyHex);
    expect(inspect(cipher, { depth: 5, showHidden: true })).not.toContain(keyHex);
  });
});

describe(envelopeKeyId.name, () => {
  it('reads the key id without needing any key', () => {
    const envelope = new FieldCipher({ activeKeyId: '2025-q3', keys: { '2025-q3': randomBytes(32) } }).encrypt('x');

    expect(envelopeKeyId(envelope)).toBe('2025-q3');
  });
});
