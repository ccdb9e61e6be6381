import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { LogChannel, LogEntryKind, NotificationLogEntrySchema, Topics, encodeMessage } from '@bnp/contracts';
import { createLogger } from '@bnp/observability';
import { Client } from 'pg';
import { migrateAll } from '@bnp/scripts/migrate';
import {
  KafkaTestClient,
  LOCAL_CLIENT_SECRETS,
  TEST_DATABASE_URL,
  describeLag,
  serviceToken,
  startGroupAtEnd,
  testEnv,
  waitFor,
} from '@bnp/testing';
import {
  ED25519_TYPE,
  ed25519FromSeed,
  noteSigner,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  signNote,
  signerKey,
  verifierKey,
} from '@bnp/tlog';
import { createTransparencyLogApp } from './app';
import { loadTransparencyLogConfig } from './config';

// The log checked by code that is not ours: Go's golang.org/x/mod/sumdb/note and .../tlog (Debian's
// golang-golang-x-mod-dev, built by scripts/go-tools.sh into tools/verify-log-go), and the stand-alone CLI
// tools/verify-log run as a separate process, as a regulator would.
const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);
const GROUP = `tlog-ext-${randomUUID().slice(0, 8)}`;
const INCIDENT = `INC-${randomUUID().slice(0, 8)}`;
const KEY = ed25519FromSeed('bnp.local/transparency-log', Buffer.alloc(32, 31));
const VKEY = verifierKey(KEY.name, ED25519_TYPE, KEY.publicKey);
const TOPICS = [Topics.notificationLog, Topics.exposure];

function entries(count: number, incident: string) {
  return Array.from({ length: count }, (_, i) => ({
    key: `P-${i}`,
    value: encodeMessage(NotificationLogEntrySchema, {
      entryId: randomUUID(),
      occurredAt: timestampFromDate(new Date()),
      source: 'notifier',
      incidentId: incident,
      revision: 1,
      personId: `P-${i}`,
      subjectId: `D-${i}`,
      kind: LogEntryKind.STATUS_CHANGED,
      channel: LogChannel.EMAIL,
      status: 'delivered',
      recipientMasked: 'a***@example.pk',
    }),
  }));
}

async function expectFailure(
  file: string,
  args: string[],
  reason: RegExp,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const outcome = await run(file, args, options).then(
    () => 'exit 0',
    (error: { code?: number; stderr?: string; stdout?: string }) =>
      `exit ${error.code}: ${error.stderr}${error.stdout}`,
  );
  expect(outcome).toMatch(reason);
}

/**
 * The log is one tree per database and this spec signs with a key of its own: it starts from an empty log
 * in a database of its own, not after the entries and checkpoints other specs left in the shared one.
 */
const DATABASE_URL = Object.assign(new URL(TEST_DATABASE_URL), {
  pathname: `${new URL(TEST_DATABASE_URL).pathname}_tlog_ext`,
}).toString();

async function freshDatabase(): Promise<void> {
  const admin = new Client({
    connectionString: Object.assign(new URL(DATABASE_URL), { pathname: '/postgres' }).toString(),
  });
  await admin.connect();
  try {
    const name = new URL(DATABASE_URL).pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  await migrateAll(DATABASE_URL, () => undefined);
}

describe('transparency log verified by Go’s tlog and note packages and by the stand-alone CLI', () => {
  let app: INestApplication;
  let url: string;
  let goVerifier: string;
  const dir = mkdtempSync(join(tmpdir(), 'tlog-ext-'));
  const kafka = new KafkaTestClient();
  // A reader's token, fresh for each call (a run outlives one): regulator-api's client, role log-reader.
  const logToken = async () =>
    (await serviceToken('bnp-regulator-api', LOCAL_CLIENT_SECRETS['bnp-regulator-api'])).accessToken;
  const withToken = async () => ({ env: { ...process.env, VERIFY_LOG_TOKEN: await logToken() } });
  const cli = async (...args: string[]) =>
    run(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'tools/verify-log/src/main.ts'), ...args], {
      cwd: ROOT,
      ...(await withToken()),
    });

  const checkpointOf = (size: number) =>
    waitFor(
      async () => {
        const res = await fetch(`${url}/checkpoint`, { headers: { authorization: `Bearer ${await logToken()}` } });
        if (res.status !== 200) return false;
        const note = await res.text();
        return parseCheckpoint(openNote(note, [parseVerifierKey(VKEY)]).text).size >= size ? note : false;
      },
      `a checkpoint of ${size} entries`,
      { timeoutMs: 30_000, explain: () => describeLag(kafka.kafka, GROUP, TOPICS) },
    );

  beforeAll(async () => {
    goVerifier = execFileSync('bash', [join(ROOT, 'scripts/go-tools.sh')], { encoding: 'utf8' }).trim();
    await startGroupAtEnd(kafka.kafka, GROUP, TOPICS);
    await freshDatabase();
    const config = loadTransparencyLogConfig(
      testEnv({
        DATABASE_URL,
        TLOG_SIGNING_KEY: signerKey(KEY),
        TLOG_PSEUDONYM_KEY: Buffer.alloc(32, 32).toString('base64'),
        TLOG_CHECKPOINT_INTERVAL_MS: '300',
        TLOG_CONSUMER_GROUP: GROUP,
        DATABASE_POOL_SIZE: '4',
      }),
    );
    ({ app } = await createTransparencyLogApp(config, createLogger('tlog-ext', config.LOG_LEVEL)));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await kafka.close();
  });

  it('Go verifies the checkpoint, sampled entries through tiles, and consistency with an earlier checkpoint', async () => {
    const start = parseCheckpoint(parseNote(await checkpointOf(0)).text).size;
    await kafka.send(Topics.notificationLog, entries(600, INCIDENT));
    await kafka.send(Topics.notificationLog, entries(100, 'INC-OTHER'));
    const first = await checkpointOf(start + 700);
    writeFileSync(join(dir, 'old.checkpoint'), first);
    await kafka.send(Topics.notificationLog, entries(300, INCIDENT));
    await checkpointOf(start + 1000);

    const { stdout } = await run(
      goVerifier,
      ['-url', url, '-vkey', VKEY, '-sample', '24', '-old', join(dir, 'old.checkpoint')],
      await withToken(),
    );
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ tree_size: start + 1000, entries_proved: 24, consistent_with_size: start + 700 });
    // Without a token the log answers nothing, to Go's client as to any other.
    await expectFailure(goVerifier, ['-url', url, '-vkey', VKEY], /401 Unauthorized/);

    // And it can fail: a checkpoint signed by another key under the log's name is refused.
    const forger = ed25519FromSeed(KEY.name, Buffer.alloc(32, 66));
    writeFileSync(join(dir, 'forged.checkpoint'), signNote(parseNote(first).text, [noteSigner(forger)]));
    await expectFailure(
      goVerifier,
      ['-url', url, '-vkey', VKEY, '-old', join(dir, 'forged.checkpoint')],
      /old checkpoint: checkpoint signature/,
      await withToken(),
    );
  });

  it('exports the incident bundle, and Go and the CLI both verify it; each detects a dropped entry', async () => {
    const file = join(dir, 'bundle.ndjson');
    await cli('export', url, INCIDENT, file);
    const { stdout } = await run(goVerifier, ['-bundle', file, '-vkey', VKEY]);
    expect(JSON.parse(stdout)).toMatchObject({ incident: INCIDENT, entries_proved: 900 });
    const ok = await cli('bundle', file, '--key', VKEY, '--json');
    expect(JSON.parse(ok.stdout)).toMatchObject({ incident: INCIDENT, entries: 900, types: { notification: 900 } });

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines.splice(10, 1);
    writeFileSync(join(dir, 'dropped.ndjson'), `${lines.join('\n')}\n`);
    await expectFailure(
      goVerifier,
      ['-bundle', join(dir, 'dropped.ndjson'), '-vkey', VKEY],
      /does not match the bundle's entries/,
    );
    await expectFailure(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        join(ROOT, 'tools/verify-log/src/main.ts'),
        'bundle',
        join(dir, 'dropped.ndjson'),
        '--key',
        VKEY,
      ],
      /FAILED: the log signed 900 entries/,
    );
  });

  it('the CLI verifies the live log and its consistency with the checkpoint a regulator kept', async () => {
    const { stdout } = await cli(
      'live',
      url,
      '--key',
      VKEY,
      '--known',
      join(dir, 'old.checkpoint'),
      '--sample',
      '8',
      '--json',
    );
    expect(JSON.parse(stdout)).toMatchObject({ entriesProved: 8, consistentWith: expect.any(Number) as number });
  });
});
