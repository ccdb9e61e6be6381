import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { createLogger } from '@bnp/observability';
import { BlindIndexer, maskMsisdn } from '@bnp/pii';
import { TEST_DATABASE_URL, TEST_PII_KEYS, keycloakToken, testEnv } from '@bnp/testing';
import { createExposureApp } from '../app';
import { loadExposureConfig } from '../config';
import { AccountStatus } from './directory.enums';

const indexer = new BlindIndexer(Buffer.from(TEST_PII_KEYS.PII_BLIND_INDEX_KEY, 'base64'));
let counter = Math.floor(Math.random() * 9_000_000);
const newMsisdn = () => `+92333${String((counter = (counter + 7919) % 10_000_000)).padStart(7, '0')}`;

describe('POST /directory/lookup', () => {
  let app: INestApplication;
  let db: Client;
  let carol: string;

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const config = loadExposureConfig(
      testEnv({ EXPOSURE_CONSUMER_GROUP: `exposure-dir-it-${randomUUID().slice(0, 8)}` }),
    );
    ({ app } = await createExposureApp(config, createLogger('exposure', config.LOG_LEVEL)));
    await app.init();
    carol = (await keycloakToken({ username: 'carol' })).accessToken;
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
  });

  /** A directory person with one subscription, written as the import writes it (encrypted columns are opaque here). */
  async function person(msisdn: string, status: AccountStatus) {
    const personId = randomUUID();
    const subscriberId = `SUB-${randomUUID().slice(0, 8)}`;
    await db.query(
      `INSERT INTO "exposure"."persons" ("person_id", "cnic_bidx", "cnic_enc", "name_enc", "language")
       VALUES ($1, $2, '\\x00', '\\x00', 'ur')`,
      [personId, indexer.index('cnic', String(3520200000000 + Math.floor(Math.random() * 99_999_999)))],
    );
    await db.query(
      `INSERT INTO "exposure"."subscribers" ("subscriber_id", "person_id", "msisdn_enc", "msisdn_bidx", "msisdn_masked",
                                             "region", "line_type", "account_status")
       VALUES ($1, $2, '\\x00', $3, $4, 1, 1, $5)`,
      [subscriberId, personId, indexer.index('msisdn', msisdn), maskMsisdn(msisdn), status],
    );
    return { personId, subscriberId };
  }

  const lookup = (token: string | null, msisdn: string) => {
    const call = request(app.getHttpServer()).post('/directory/lookup');
    if (token) void call.set('authorization', `Bearer ${token}`);
    return call.send({ kind: 'msisdn', blindIndex: indexer.indexHex('msisdn', msisdn) });
  };

  it('answers the current holder of a recycled number, never its former customer; masked only', async () => {
    const msisdn = newMsisdn();
    await person(msisdn, AccountStatus.Former);
    const holder = await person(msisdn, AccountStatus.Active);
    const { body } = await lookup(carol, msisdn).expect(200);
    expect(body.people).toEqual([
      {
        personId: holder.personId,
        emailMasked: null,
        language: 'ur',
        numbers: [{ subscriberId: holder.subscriberId, msisdnMasked: maskMsisdn(msisdn) }],
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(msisdn.slice(4));
  });

  it('answers no one for an unknown number, and refuses callers without a token or the permission', async () => {
    expect((await lookup(carol, newMsisdn()).expect(200)).body).toEqual({ people: [] });
    await lookup(null, newMsisdn()).expect(401);
    const auditor = (await keycloakToken({ username: 'grace' })).accessToken;
    await lookup(auditor, newMsisdn()).expect(403);
  });

  it('refuses a plain number in place of a blind index', async () => {
    await request(app.getHttpServer())
      .post('/directory/lookup')
      .set('authorization', `Bearer ${carol}`)
      .send({ kind: 'msisdn', blindIndex: '03001234567' })
      .expect(400);
  });
});
