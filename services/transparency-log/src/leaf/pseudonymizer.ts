import { createHmac } from 'node:crypto';

/**
 * Keyed HMAC-SHA256 pseudonyms for what entries must not carry in plain: a person's id (one stable
 * pseudonym per person, so a regulator can count people without learning who they are), subject and
 * exposure ids. Each kind of id has its own label, so equal ids of different kinds never collide.
 * Without the key nobody can test a guessed id against a pseudonym.
 */
export class Pseudonymizer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('the pseudonym key must be at least 32 bytes');
  }

  /** 128 bits, hex: ample against collisions among billions of people, and short in every entry. */
  of(kind: 'person' | 'subject' | 'exposure', id: string): string {
    return createHmac('sha256', this.key).update(`bnp-tlog/${kind}\n${id}`, 'utf8').digest('hex').slice(0, 32);
  }
}
