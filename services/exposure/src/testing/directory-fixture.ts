import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import {
  BlindIndexer,
  FieldCipher,
  maskEmail,
  maskMsisdn,
  normalizeCnic,
  normalizeMsisdn,
  parseKeyRing,
} from '@bnp/pii';
import { TEST_PII_KEYS } from '@bnp/testing';
import { AccountStatus } from '../directory/directory.enums';
import { TABLES } from '../schema';

export interface FixtureSubscriber {
  subscriberId: string;
  msisdn: string;
  region: number;
  status?: AccountStatus;
  lineType?: number;
}

export interface FixturePerson {
  cnic: string;
  name: string;
  email?: string;
  language?: 'ur' | 'en';
  subscribers: FixtureSubscriber[];
}

/** Writes people, subscriptions, assets and holdings the way the import does (encrypted, blind-indexed). */
export class DirectoryFixture {
  readonly cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
  readonly indexer = new BlindIndexer(Buffer.from(TEST_PII_KEYS.PII_BLIND_INDEX_KEY, 'base64'));
  readonly personIds = new Map<string, string>();

  constructor(private readonly db: Client) {}

  async person(person: FixturePerson): Promise<string> {
    const personId = randomUUID();
    const cnic = normalizeCnic(person.cnic);
    await this.db.query(
      `INSERT INTO ${TABLES.persons} (person_id, cnic_bidx, cnic_enc, name_enc, email_enc, email_bidx, email_masked, language)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        personId,
        this.indexer.index('cnic', cnic),
        this.cipher.encrypt(cnic),
        this.cipher.encrypt(person.name),
        person.email ? this.cipher.encrypt(person.email) : null,
        person.email ? this.indexer.index('email', person.email) : null,
        person.email ? maskEmail(person.email) : null,
        person.language ?? 'en',
      ],
    );
    for (const subscriber of person.subscribers) {
      const msisdn = normalizeMsisdn(subscriber.msisdn);
      await this.db.query(
        `INSERT INTO ${TABLES.subscribers} (subscriber_id, person_id, msisdn_enc, msisdn_bidx, msisdn_masked, region, line_type, account_status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          subscriber.subscriberId,
          personId,
          this.cipher.encrypt(msisdn),
          this.indexer.index('msisdn', msisdn),
          maskMsisdn(msisdn),
          subscriber.region,
          subscriber.lineType ?? 1,
          subscriber.status ?? AccountStatus.Active,
        ],
      );
    }
    this.personIds.set(person.cnic, personId);
    return personId;
  }

  async asset(assetId: string, categoriesMask: number): Promise<void> {
    await this.db.query(`INSERT INTO ${TABLES.assets} (asset_id, owning_system, categories) VALUES ($1, $2, $3)`, [
      assetId,
      assetId.split('.')[0],
      categoriesMask,
    ]);
  }

  async holding(
    assetId: string,
    subscriberId: string,
    region: number,
    from: string,
    to: string | null = null,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO ${TABLES.holdings} (asset_id, subscriber_id, region, records_from, records_to) VALUES ($1, $2, $3, $4, $5)`,
      [assetId, subscriberId, region, from, to],
    );
  }

  msisdnIndex(msisdn: string): Buffer {
    return this.indexer.index('msisdn', normalizeMsisdn(msisdn));
  }
}
