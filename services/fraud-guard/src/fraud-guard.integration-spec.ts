import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  ExposureChange,
  LogChannel,
  LogEntryKind,
  PiiCategory,
  ProtectionOutcome,
  RiskTier,
  Topics,
} from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { maskMsisdn } from '@bnp/pii';
// The partner stand-in runs in-process so the test can switch its faults; it is a local tool, not a dependency.
import { parseActivationCode } from './activation/activation-code';
import { aad } from './pii-context';

import {
  GROUP,
  careHeaders,
  cipher,
  hasher,
  newMsisdn,
  held,
  recycled,
  exposure,
  SIM_SWAP_LOCK,
  PORT_OUT_LOCK,
  PIN_RESET,
  FRAUD_MONITORING,
  fraudGuardFixture,
} from './testing/fraud-guard.fixture';

describe('fraud-guard', () => {
  const f = fraudGuardFixture();
  const {
    send,
    acknowledge,
    waitForApp,
    published,
    enrollmentsCreated,
    commandsFor,
    logEntries,
    enrollmentRows,
    codeHashes,
    commandRows,
    dryRunRecorded,
    unpublished,
    codeOf,
    settle,
  } = f;

  it('enrolls HIGH and CRITICAL people once each: one command per number still held, none for recycled numbers, the code in EnrollmentCreated', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const highNumbers = [newMsisdn(), newMsisdn()];
    const high = exposure({ incidentId, subscriptions: [held(highNumbers[0]), held(highNumbers[1]), recycled()] });
    const critical = exposure({
      incidentId,
      tier: RiskTier.CRITICAL,
      categories: [PiiCategory.CNIC, PiiCategory.CREDENTIALS],
      actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
      subscriptions: [held(), recycled()],
    });
    const started = Date.now();
    await send(high);
    await send(critical);

    const code = await codeOf(high.personId);
    await codeOf(critical.personId);
    expect(Date.now() - started).toBeLessThan(10_000);

    const rows = await enrollmentRows(incidentId);
    expect(rows.map((row) => row.person_id).sort()).toEqual([high.personId, critical.personId].sort());
    const highRow = rows.find((row) => row.person_id === high.personId)!;
    // The notice's code is the one whose keyed hash is stored, and the hash is all that is stored.
    const parsed = parseActivationCode(code);
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z*~$=]$/);
    expect(await codeHashes(highRow.id)).toEqual([parsed.ok && hasher.activationCode(parsed.body)]);
    expect(highRow.exposure_idempotency_key).toBe(high.idempotencyKey);
    expect(enrollmentsCreated(high.personId)[0]).toMatchObject({
      incidentId,
      exposureIdempotencyKey: high.idempotencyKey,
      monitoringMonths: 12,
      protectedSubscriptions: 2,
    });

    const highHeld = high.subscriptions
      .filter((subscription) => subscription.stillHeld)
      .map((subscription) => subscription.subscriberId);
    await waitForApp(
      () => commandsFor(high.personId).length === 2 && commandsFor(critical.personId).length === 1,
      'three commands',
    );
    expect(
      commandsFor(high.personId)
        .map(({ key }) => key)
        .sort(),
    ).toEqual([...highHeld].sort());
    for (const { key, command } of commandsFor(high.personId)) {
      expect(command).toMatchObject({
        subscriberId: key,
        actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK],
        untilBiometricReverification: true,
        attempt: 1,
      });
      // The operator's adapter opens the same envelope the exposure carried.
      expect(highNumbers).toContain(cipher.decrypt(Buffer.from(command.msisdnCiphertext), aad.msisdn));
    }
    expect(commandsFor(critical.personId)[0]!.command.actions).toEqual([SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET]);
    expect((await commandRows(high.personId)).map((row) => row.subscriber_id).sort()).toEqual([...highHeld].sort());

    await waitForApp(() => logEntries(high.personId).length >= 3, 'log entries');
    const kinds = logEntries(high.personId).map((entry) => [entry.kind, entry.status]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        [LogEntryKind.ENROLLMENT_CREATED, 'pending_activation'],
        [LogEntryKind.PROTECTION_COMMAND_SENT, 'sent'],
        [LogEntryKind.PROTECTION_COMMAND_SENT, 'sent'],
      ]),
    );
    const logged = JSON.stringify(
      logEntries(high.personId).map((entry) => [entry.recipientMasked, entry.detail, entry.status]),
    );
    for (const number of highNumbers) expect(logged).not.toContain(number.slice(-7));
    expect(
      logEntries(high.personId)
        .filter((entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT)
        .map((entry) => entry.recipientMasked),
    ).toEqual(expect.arrayContaining(highNumbers.map(maskMsisdn)));
  });

  it('changes nothing when exposures are replayed, before and after a restart', async () => {
    const first = exposure({ subscriptions: [held(), held()] });
    await send(first);
    await codeOf(first.personId);
    await send(first);
    await settle(first.personId);

    await f.restart();
    await send(first);
    await send(first);
    await settle(first.personId);
    await waitForApp(async () => (await unpublished(Topics.fraudEnrollments)) === 0, 'outbox drained');

    expect(await enrollmentRows(first.incidentId)).toHaveLength(1);
    expect(await commandRows(first.personId)).toHaveLength(2);
    expect(enrollmentsCreated(first.personId)).toHaveLength(1);
    expect(commandsFor(first.personId).filter(({ command }) => command.attempt === 1)).toHaveLength(2);
    expect(logEntries(first.personId).filter((entry) => entry.kind === LogEntryKind.ENROLLMENT_CREATED)).toHaveLength(
      1,
    );
  });

  it('records a dry run without minting a code or sending a command', async () => {
    const dryRun = exposure({ dryRun: true });
    await send(dryRun);
    await waitForApp(() => dryRunRecorded(dryRun.idempotencyKey), 'dry run recorded');
    expect(await enrollmentRows(dryRun.incidentId)).toEqual([]);
    expect(await commandRows(dryRun.personId)).toEqual([]);
    expect(enrollmentsCreated(dryRun.personId)).toEqual([]);
  });

  it('adds a PIN reset when credentials are added, and keeps every lock when the scope narrows', async () => {
    const own = newMsisdn();
    const rev1 = exposure({ subscriptions: [held(own), held()] });
    await send(rev1);
    await codeOf(rev1.personId);
    const base = { incidentId: rev1.incidentId, personId: rev1.personId, subscriptions: rev1.subscriptions };
    const rev2 = exposure({
      ...base,
      revision: 2,
      change: ExposureChange.WIDENED,
      tier: RiskTier.CRITICAL,
      newCategories: [PiiCategory.CREDENTIALS],
      actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
    });
    const rev3 = exposure({ ...base, revision: 3, change: ExposureChange.RETRACTED, tier: RiskTier.LOW, actions: [] });
    await send(rev2);
    await send(rev3);
    await settle(rev1.personId);

    const rows = await commandRows(rev1.personId);
    expect(rows.map((row) => [row.exposure_revision, row.actions])).toEqual([
      [1, [SIM_SWAP_LOCK, PORT_OUT_LOCK]],
      [1, [SIM_SWAP_LOCK, PORT_OUT_LOCK]],
      [2, [PIN_RESET]],
      [2, [PIN_RESET]],
    ]);
    const [enrollment] = await enrollmentRows(rev1.incidentId);
    const view = await request(f.app.getHttpServer())
      .get(`/enrollments/${enrollment!.id}`)
      .set(await careHeaders())
      .expect(200);
    expect(view.body).toMatchObject({ status: 'PENDING_ACTIVATION', tier: 'CRITICAL', narrowedInRevision: 3 });
    expect(view.body.actions).toEqual(['SIM_SWAP_LOCK', 'PORT_OUT_LOCK', 'PIN_RESET', 'FRAUD_MONITORING']);
    // The widened notice waits for its own EnrollmentCreated, with a code of its own; the narrowing gets none.
    await waitForApp(() => enrollmentsCreated(rev1.personId).length === 2, 'a second EnrollmentCreated');
    const created = enrollmentsCreated(rev1.personId);
    expect(created.map((event) => [event.enrollmentId, event.exposureIdempotencyKey])).toEqual([
      [enrollment!.id, rev1.idempotencyKey],
      [enrollment!.id, rev2.idempotencyKey],
    ]);
    expect(created[1]).toMatchObject({
      protectedSubscriptions: 2,
      actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
    });
    const codes = created.map((event) =>
      cipher.decrypt(Buffer.from(event.activationCodeCiphertext), aad.activationCode(event.enrollmentId)),
    );
    expect(codes[0]).not.toBe(codes[1]);
    expect(await codeHashes(enrollment!.id)).toHaveLength(2);
    // Either notice's code starts the person's activation.
    await request(f.app.getHttpServer())
      .post('/enrollments/activate')
      .send({ code: codes[1], msisdn: own })
      .expect(202);
    await waitForApp(
      () => logEntries(rev1.personId).some((entry) => entry.status === 'narrowed_protection_kept'),
      'narrowing logged',
    );
    expect(
      logEntries(rev1.personId)
        .filter((entry) => entry.kind === LogEntryKind.ENROLLMENT_CHANGED)
        .map((entry) => entry.status),
    ).toEqual(expect.arrayContaining(['widened', 'narrowed_protection_kept']));
  });

  it('records acknowledgements and re-sends unacknowledged commands with the same command id', async () => {
    const event = exposure({ subscriptions: [held(), held()] });
    await send(event);
    const [acked, unacked] = await waitForApp(async () => {
      const rows = await commandRows(event.personId);
      return rows.length === 2 && rows;
    }, 'two commands');
    await acknowledge(acked!.subscriber_id, acked!.command_id);
    await waitForApp(
      async () => (await commandRows(event.personId))[0]!.status === 'APPLIED',
      'acknowledgement recorded',
    );
    await acknowledge(acked!.subscriber_id, acked!.command_id, ProtectionOutcome.REJECTED); // a late duplicate changes nothing

    const resent = await waitForApp(
      () =>
        commandsFor(event.personId).find(
          ({ command }) => command.commandId === unacked!.command_id && command.attempt === 2,
        ),
      're-sent command',
      { timeoutMs: 10_000 },
    );
    expect(resent.key).toBe(unacked!.subscriber_id);
    await settle(event.personId);
    const rows = await commandRows(event.personId);
    expect(rows.find((row) => row.command_id === acked!.command_id)).toMatchObject({ status: 'APPLIED', attempt: 1 });
    expect(rows.find((row) => row.command_id === unacked!.command_id)!.attempt).toBeGreaterThanOrEqual(2);
    expect(commandsFor(event.personId).filter(({ command }) => command.commandId === acked!.command_id)).toHaveLength(
      1,
    );
    await waitForApp(
      () => logEntries(event.personId).some((entry) => entry.kind === LogEntryKind.PROTECTION_ACKNOWLEDGED),
      'ack logged',
    );
    expect(
      logEntries(event.personId)
        .filter((entry) => entry.kind === LogEntryKind.PROTECTION_ACKNOWLEDGED)
        .map((entry) => entry.status),
    ).toEqual(['applied']);

    const stranger = randomUUID();
    await acknowledge('SUB-unknown', stranger);
    const [dead] = await waitForApp(
      () =>
        published(deadLetterTopic(GROUP), 'SUB-unknown').length > 0 && published(deadLetterTopic(GROUP), 'SUB-unknown'),
      'dead letter',
    );
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('UNKNOWN_COMMAND');
  });

  it('notifies and commands during a partner outage, then enrolls with the partner exactly once across 503s, timeouts and store-then-500', async () => {
    f.partner.setFailureMode('outage');
    const duringOutage = exposure();
    const started = Date.now();
    await send(duringOutage);
    await codeOf(duringOutage.personId);
    await waitForApp(() => commandsFor(duringOutage.personId).length === 1, 'command during the outage');
    expect(Date.now() - started).toBeLessThan(5000);
    const [enrollment] = await enrollmentRows(duringOutage.incidentId);
    await waitForApp(async () => {
      const { rows } = await f.db.query<{ attempts: number }>(
        `SELECT attempts FROM fraud.partner_tasks WHERE enrollment_id = $1`,
        [enrollment!.id],
      );
      return rows[0]!.attempts >= 3; // the third claim comes after two failed calls
    }, 'the partner tried twice during the outage');
    expect(f.partner.enrollments().filter((record) => record.reference === enrollment!.id)).toEqual([]);

    // The partner stores the enrollment but answers 500, then answers too slowly: each retry must find it, not repeat it.
    f.partner.setFailureMode('store-then-500');
    await waitForApp(
      () => f.partner.enrollments().some((record) => record.reference === enrollment!.id),
      'stored at the partner',
    );
    f.partner.setFailureMode('latency', 1500);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    f.partner.setFailureMode('none');
    const task = await waitForApp(async () => {
      const { rows } = await f.db.query<{ status: string; partner_ref: string; attempts: number }>(
        `SELECT status, partner_ref, attempts FROM fraud.partner_tasks WHERE enrollment_id = $1`,
        [enrollment!.id],
      );
      return rows[0]!.status === 'DONE' && rows[0];
    }, 'partner enrollment done');

    const atPartner = f.partner.enrollments().filter((record) => record.reference === enrollment!.id);
    expect(atPartner).toHaveLength(1);
    expect(task.partner_ref).toBe(atPartner[0]!.id);
    expect(task.attempts).toBeGreaterThanOrEqual(3);
    await waitForApp(
      () => logEntries(duringOutage.personId).some((entry) => entry.status === 'partner_enrolled'),
      'partner logged',
    );
    const entry = logEntries(duringOutage.personId).find((logEntry) => logEntry.status === 'partner_enrolled')!;
    expect(entry).toMatchObject({ channel: LogChannel.MONITORING_PARTNER, providerRef: atPartner[0]!.id });
  });
});
