import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import twilio from 'twilio';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, createMessage, startStandIn, waitUntil } from './testing/fixtures';
import { StateFile, stateSnapshot, type PersistedState } from './persistence';
import type { TwilioStandIn } from './stand-in';

describe(StateFile.name, () => {
  let dir: string;
  let standIn: TwilioStandIn | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twilio-stand-in-'));
  });
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps messages across a restart so a notifier can reconcile by listing To', async () => {
    const stateFile = join(dir, 'state.json');
    standIn = await startStandIn({ stateFile });
    const sent = await createMessage(standIn, { To: '+923001234567', From: FROM, Body: 'before restart' });
    await waitUntil(() => standIn?.store.get(sent.body.sid)?.status === 'delivered');
    await standIn.close();

    standIn = await startStandIn({ stateFile });
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;
    const listed = await client.messages.list({ to: '+923001234567' });

    expect(listed.map((m) => [m.sid, m.status, m.body])).toEqual([[sent.body.sid, 'delivered', 'before restart']]);
    const again = await createMessage(standIn, { To: '+923001234567', From: FROM, Body: 'after restart' });
    expect((await client.messages.list({ to: '+923001234567' })).map((m) => m.sid)).toEqual([
      again.body.sid,
      sent.body.sid,
    ]);
  });

  it('finishes the lifecycle of messages that were in flight when it stopped', async () => {
    const stateFile = join(dir, 'state.json');
    standIn = await startStandIn({ stateFile, sentDelayMs: 60_000 });
    const sent = await createMessage(standIn, { To: '+923001234567', From: FROM, Body: 'in flight' });
    await waitUntil(() => standIn?.store.get(sent.body.sid)?.status === 'sending');
    await standIn.close();

    standIn = await startStandIn({ stateFile });
    await waitUntil(() => standIn?.store.get(sent.body.sid)?.status === 'delivered');
    expect(standIn.store.get(sent.body.sid)?.history.map((h) => h.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
    ]);
  });

  it('writes at most once per interval however many changes arrive, via a temp file', async () => {
    const path = join(dir, 'nested', 'state.json');
    let snapshots = 0;
    const file = new StateFile(
      path,
      50,
      () => {
        snapshots += 1;
        return stateSnapshot(ACCOUNT_SID, []);
      },
      pino({ level: 'silent' }),
    );

    for (let i = 0; i < 1000; i++) file.markDirty();
    expect(snapshots).toBe(0); // nothing on the request path
    await new Promise((resolve) => setTimeout(resolve, 120));

    expect(snapshots).toBe(1);
    expect((JSON.parse(readFileSync(path, 'utf8')) as PersistedState).version).toBe(1);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']); // no temp file left behind
    await file.flush();
    expect(snapshots).toBe(1); // nothing changed since
  });

  it('refuses a state file written for another account', async () => {
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, JSON.stringify(stateSnapshot('ACffffffffffffffffffffffffffffffff', [])));

    await expect(startStandIn({ stateFile })).rejects.toThrow(/ACffffffffffffffffffffffffffffffff/);
  });
});
