import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import {
  ExposureChange,
  LogChannel,
  LogEntryKind,
  NotificationLogEntrySchema,
  PersonExposedSchema,
  PiiCategory,
  RiskTier,
  Topics,
  encodeMessage,
} from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import {
  KafkaTestClient,
  LOCAL_CLIENT_SECRETS,
  TEST_DATABASE_URL,
  describeLag,
  keycloakToken,
  serviceToken,
  startGroupAtEnd,
  testEnv,
  waitFor,
} from '@bnp/testing';
import {
  COSIGNATURE_V1_TYPE,
  ED25519_TYPE,
  decodeEntryBundle,
  ed25519FromSeed,
  hashLeaf,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signerKey,
  verifierKey,
  verifyConsistency,
  verifyInclusion,
} from '@bnp/tlog';
// The witness stand-in runs in-process; it is a local tool, not a dependency.
import { FileWitnessState, Witness, startWitnessServer } from '@bnp/witness';
import { createTransparencyLogApp } from './app';
import { loadTransparencyLogConfig } from './config';

const GROUP = `tlog-it-${randomUUID().slice(0, 8)}`;
const INCIDENT = `INC-${randomUUID().slice(0, 8)}`;
const KEY = ed25519FromSeed('bnp.local/transparency-log', Buffer.alloc(32, 11));
const VKEY = parseVerifierKey(verifierKey(KEY.name, ED25519_TYPE, KEY.publicKey));
const TOPICS = [Topics.notificationLog, Topics.exposure];
const WITNESS_KEY = ed25519FromSeed('witness.local/bnp', Buffer.alloc(32, 13));
const COSIGNER = parseVerifierKey(verifierKey(WITNESS_KEY.name, COSIGNATURE_V1_TYPE, WITNESS_KEY.publicKey));

function logEntry(personId: string, entryId = randomUUID()) {
  return {
    key: personId,
    value: encodeMessage(NotificationLogEntrySchema, {
      entryId,
      occurredAt: timestampFromDate(new Date()),
      source: 'notifier',
      incidentId: INCIDENT,
      revision: 1,
      personId,
      subjectId: `delivery-${personId}`,
      kind: LogEntryKind.DELIVERY_ATTEMPT,
      channel: LogChannel.SMS,
      status: 'accepted',
      recipientMasked: '+92 3** *** **67',
    }),
  };
}

describe('transparency-log (real Kafka and PostgreSQL)', () => {
  let app: INestApplication;
  // As regulator-api reads it: its own client (role log-reader), allowed hashes and entries.
  let http: ReturnType<typeof request.agent>;
  let witness: Awaited<ReturnType<typeof startWitnessServer>>;
  const kafka = new KafkaTestClient();
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  const lag = () => describeLag(kafka.kafka, GROUP, TOPICS);

  const checkpoint = async () => {
    const res = await http.get('/checkpoint').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    return { note: res.text, ...parseCheckpoint(openNote(res.text, [VKEY]).text) };
  };
  const checkpointOf = (size: number) =>
    waitFor(
      async () => {
        const res = await http.get('/checkpoint');
        if (res.status !== 200) return false;
        const cp = parseCheckpoint(openNote(res.text, [VKEY]).text);
        return cp.size >= size ? { note: res.text, ...cp } : false;
      },
      `a checkpoint of at least ${size} entries`,
      { timeoutMs: 30_000, explain: lag },
    );

  beforeAll(async () => {
    await db.connect();
    await startGroupAtEnd(kafka.kafka, GROUP, TOPICS);
    witness = await startWitnessServer(
      new Witness(WITNESS_KEY, new Map([[VKEY.name, VKEY]]), new FileWitnessState(null)),
      0,
    );
    const config = loadTransparencyLogConfig(
      testEnv({
        TLOG_SIGNING_KEY: signerKey(KEY),
        TLOG_PSEUDONYM_KEY: Buffer.alloc(32, 12).toString('base64'),
        TLOG_CHECKPOINT_INTERVAL_MS: '300',
        TLOG_CONSUMER_GROUP: GROUP,
        DATABASE_POOL_SIZE: '4',
        TLOG_RETRY_DELAYS_MS: '200',
        TLOG_WITNESS_URL: witness.url,
        TLOG_WITNESS_KEY: verifierKey(WITNESS_KEY.name, COSIGNATURE_V1_TYPE, WITNESS_KEY.publicKey),
      }),
    );
    ({ app } = await createTransparencyLogApp(config, createLogger('tlog-it', config.LOG_LEVEL)));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    const relay = await serviceToken('bnp-regulator-api', LOCAL_CLIENT_SECRETS['bnp-regulator-api']);
    http = request.agent(app.getHttpServer()).set('Authorization', `Bearer ${relay.accessToken}`);
    await kafka.collect([deadLetterTopic(GROUP)]);
  });

  afterAll(async () => {
    await app?.close();
    witness?.server.close();
    await kafka.close();
    await db.end();
  });

  it('appends every entry once, with gapless indexes, under a signed checkpoint whose tiles prove each one', async () => {
    // Other suites may have logged before: everything here is relative to the size the log had.
    const start = Number((await db.query<{ s: string }>(`SELECT "tree_size" AS s FROM "tlog"."log_state"`)).rows[0]!.s);
    const people = Array.from({ length: 300 }, (_, i) => `P-${i}`);
    const messages = people.map((person) => logEntry(person));
    await kafka.send(Topics.notificationLog, messages);
    // Redelivery: the same entries again (a producer retry, a relay that republished) change nothing.
    await kafka.send(Topics.notificationLog, messages.slice(0, 50));
    const decision = encodeMessage(PersonExposedSchema, {
      exposureId: `exp-${INCIDENT}-P-0`,
      incidentId: INCIDENT,
      revision: 1,
      personId: 'P-0',
      change: ExposureChange.NEW,
      tier: RiskTier.HIGH,
      categories: [PiiCategory.CNIC],
      jurisdiction: 'PK',
    });
    await kafka.send(Topics.exposure, [{ key: 'P-0', value: decision }]);
    const cp = await checkpointOf(start + 301);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let any duplicate that was still in flight land
    const { rows } = await db.query<{ n: string; top: string; incident: string }>(
      `SELECT count(*) AS n, max("idx") AS top, count(*) FILTER (WHERE "incident_id" = $1) AS incident FROM "tlog"."entries"`,
      [INCIDENT],
    );
    expect(rows[0]).toEqual({ n: String(start + 301), top: String(start + 300), incident: '301' });
    expect((await checkpoint()).size).toBe(start + 301);

    // Tile 0/000 is full; bundle 000 holds the first 256 entries and hashes to it.
    const tile = (await http.get('/tile/0/000').expect(200)).body as Buffer;
    expect(tile.length).toBe(256 * 32);
    const bundle = await http.get('/tile/entries/000').expect(200);
    expect(bundle.headers['cache-control']).toContain('immutable');
    const entries = decodeEntryBundle(bundle.body as Buffer);
    expect(entries).toHaveLength(256);
    entries.forEach((entry, i) => expect(hashLeaf(entry).equals(tile.subarray(i * 32, i * 32 + 32))).toBe(true));
    // The rightmost level-0 tile is partial at the checkpoint's size, and no wider tile exists yet.
    const lastTile = Math.floor(cp.size / 256);
    const width = cp.size % 256;
    const path = `${String(lastTile).padStart(3, '0')}`;
    if (width > 0) {
      expect(((await http.get(`/tile/0/${path}.p/${width}`).expect(200)).body as Buffer).length).toBe(width * 32);
      await http.get(`/tile/0/${path}.p/${width + 1}`).expect(404);
      await http.get(`/tile/0/${path}`).expect(404);
    }
    await http.get('/tile/0/1').expect(404);

    // The exposure decision is the last entry, and PII-free.
    const lastBundle = decodeEntryBundle(
      (await http.get(`/tile/entries/${path}${width > 0 ? `.p/${width}` : ''}`).expect(200)).body as Buffer,
    );
    const last = lastBundle[lastBundle.length - 1]!;
    expect(JSON.parse(last.toString('utf8'))).toMatchObject({
      type: 'exposure_decision',
      tier: 'high',
      jurisdiction: 'PK',
    });
    expect(last.toString('utf8')).not.toContain('P-0');

    for (const index of [start, start + 17, start + 255, start + 256, start + 300]) {
      const proof = (await http.get(`/proof/inclusion?index=${index}&size=${cp.size}`).expect(200)).body as {
        leaf_hash: string;
        proof: string[];
      };
      const leaf = Buffer.from(proof.leaf_hash, 'base64');
      verifyInclusion(
        leaf,
        index,
        cp.size,
        proof.proof.map((h) => Buffer.from(h, 'base64')),
        cp.root,
      );
    }
  });

  it('proves each new checkpoint consistent with the earlier one', async () => {
    const before = await checkpoint();
    await kafka.send(Topics.notificationLog, [logEntry('P-late-1'), logEntry('P-late-2')]);
    const after = await checkpointOf(before.size + 2);
    const { proof } = (await http.get(`/proof/consistency?from=${before.size}&to=${after.size}`).expect(200)).body as {
      proof: string[];
    };
    verifyConsistency(
      before.size,
      after.size,
      proof.map((h) => Buffer.from(h, 'base64')),
      before.root,
      after.root,
    );
  });

  it('serves checkpoints cosigned by the witness, which has seen every one of them in order', async () => {
    const { note, size } = await checkpoint();
    expect(openNote(note, [COSIGNER]).verifiedBy).toEqual(['witness.local/bnp']);
    const { rows } = await db.query<{ cosigned: boolean }>(
      `SELECT "cosigned" FROM "tlog"."checkpoints" WHERE "tree_size" = $1`,
      [size],
    );
    expect(rows[0]?.cosigned).toBe(true);
  });

  it('dead-letters a malformed entry with its reason, and the log goes on', async () => {
    const bad = logEntry('P-bad');
    await kafka.send(Topics.notificationLog, [
      { key: 'P-someone-else', value: bad.value },
      { key: 'P-x', value: 'junk' },
    ]);
    const dead = await waitFor(
      () => (kafka.messages(deadLetterTopic(GROUP)).length >= 2 ? kafka.messages(deadLetterTopic(GROUP)) : false),
      'two dead letters',
      { explain: lag },
    );
    expect(dead.map((m) => m.headers[FailureHeaders.errorCode]).sort()).toEqual(['KEY_MISMATCH', 'MALFORMED_PAYLOAD']);
  });

  it('answers only tokens of the platform: hashes to any log reader, entries and bundles not to a regulator', async () => {
    const server = request(app.getHttpServer());
    await server.get('/checkpoint').expect(401);
    await server.get('/tile/entries/000').expect(401);
    const regulator = `Bearer ${(await keycloakToken({ username: 'frank' })).accessToken}`;
    await server.get('/checkpoint').set('Authorization', regulator).expect(200);
    await server.get('/tile/0/000.p/1').set('Authorization', regulator).expect(200);
    await server.get('/tile/entries/000.p/1').set('Authorization', regulator).expect(403);
    await server.get('/export/incidents/INC-ANY').set('Authorization', regulator).expect(403);
    // A care agent is operator staff, not a reader of the log.
    const agent = `Bearer ${(await keycloakToken({ username: 'carol' })).accessToken}`;
    await server.get('/checkpoint').set('Authorization', agent).expect(403);
  });

  it('refuses every write over HTTP, and the database refuses to rewrite history', async () => {
    await http.post('/checkpoint').send('x').expect(404);
    await http.put('/tile/0/000').send('x').expect(404);
    await http.delete('/tile/entries/000').expect(404);
    await http.get('/proof/inclusion?index=abc').expect(400);
    await expect(db.query(`UPDATE "tlog"."entries" SET "data" = 'x' WHERE "idx" = 0`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM "tlog"."checkpoints"`)).rejects.toThrow(/append-only/);
    await expect(
      db.query(`UPDATE "tlog"."tiles" SET "hashes" = '\\x00' WHERE "level" = 0 AND "idx" = 0`),
    ).rejects.toThrow(/may only be extended/);
    await expect(db.query(`UPDATE "tlog"."log_state" SET "tree_size" = 1`)).rejects.toThrow(/never goes down/);
  });
});
