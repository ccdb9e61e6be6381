import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ControlAction, ExposureChange, LogEntryKind, PiiCategory, RiskTier } from '@bnp/contracts';
import { TEST_DATABASE_URL } from '@bnp/testing';
// The partner stand-in runs in-process so the test can switch its faults; it is a local tool, not a dependency.
import { aad } from './pii-context';

import {
  cipher,
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
    control,
    waitForApp,
    enrollmentsCreated,
    commandsFor,
    logEntries,
    enrollmentRows,
    codeHashes,
    commandRows,
    controlRow,
    partnerTasks,
    atPartner,
    settleControls,
    codeOf,
  } = f;

  describe('pause and resume', () => {
    it('holds the commands and partner enrollments of a paused incident, sends each once on resume, and obeys only its newest control', async () => {
      const incidentId = `INC-${randomUUID().slice(0, 8)}`;
      const [resumedElsewhere, pausedElsewhere] = [
        `INC-${randomUUID().slice(0, 8)}`,
        `INC-${randomUUID().slice(0, 8)}`,
      ];

      // Commanded before the pause: that command stays sent, and its re-send waits out the pause.
      const early = exposure({ incidentId });
      await send(early);
      await waitForApp(() => commandsFor(early.personId).length === 1, 'the command sent before the pause');

      const pausedAt = new Date();
      const pauseId = randomUUID();
      await control(incidentId, ControlAction.PAUSED, pausedAt, pauseId);
      await waitForApp(async () => (await controlRow(incidentId))?.paused === true, 'the pause recorded');
      // Due at once; a re-send already under way waits for this update, so the attempt read after it is final.
      await f.db.query(`UPDATE fraud.protection_commands SET next_send_at = now() WHERE person_id = $1`, [
        early.personId,
      ]);
      const earlyAttempt = (await commandRows(early.personId))[0]!.attempt;

      const highNumbers = [newMsisdn(), newMsisdn()];
      const high = exposure({ incidentId, subscriptions: [held(highNumbers[0]), held(highNumbers[1]), recycled()] });
      const critical = exposure({
        incidentId,
        tier: RiskTier.CRITICAL,
        categories: [PiiCategory.CNIC, PiiCategory.CREDENTIALS],
        actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
        subscriptions: [held(), recycled()],
      });
      await send(high);
      await send(critical);

      // Recorded and minted while paused, so the held notice carries the code once the incident resumes.
      await codeOf(high.personId);
      await codeOf(critical.personId);
      const enrollments = (await enrollmentRows(incidentId)).filter((row) => row.person_id !== early.personId);
      expect(enrollments.map((row) => row.person_id).sort()).toEqual([high.personId, critical.personId].sort());
      for (const row of enrollments) expect(await codeHashes(row.id)).toHaveLength(1);
      expect(enrollmentsCreated(high.personId)[0]).toMatchObject({ protectedSubscriptions: 2 });

      // A resume decided before the pause arrives late; another incident resumes. Neither lets anything go.
      await control(incidentId, ControlAction.RESUMED, new Date(pausedAt.getTime() - 60_000));
      await control(resumedElsewhere, ControlAction.RESUMED, new Date(pausedAt.getTime() + 60_000));
      // Another incident paused, and still paused once this one resumes: it must not hold anything of this one.
      await control(pausedElsewhere, ControlAction.PAUSED, new Date(pausedAt.getTime() + 60_000));
      await settleControls(incidentId);
      await waitForApp(
        async () =>
          (await controlRow(resumedElsewhere))?.paused === false &&
          (await controlRow(pausedElsewhere))?.paused === true,
        "the other incidents' controls",
      );
      expect(await controlRow(incidentId)).toEqual({ paused: true, control_id: pauseId });
      // The marker that the command scheduler and the partner worker went past the held work: a person of
      // an incident that is not paused, exposed now, has their command sent and their partner enrollment done.
      const sentinel = exposure({ incidentId: resumedElsewhere });
      await send(sentinel);
      await waitForApp(() => commandsFor(sentinel.personId).length > 0, "the other incident's command");
      await waitForApp(async () => {
        const [row] = await enrollmentRows(resumedElsewhere);
        return row !== undefined && (await partnerTasks([row.id]))[0]?.status === 'DONE';
      }, "the other incident's partner enrollment");

      expect(commandsFor(high.personId)).toEqual([]);
      expect(commandsFor(critical.personId)).toEqual([]);
      expect((await commandRows(early.personId))[0]!.attempt).toBe(earlyAttempt);
      expect(commandsFor(early.personId).filter(({ command }) => command.attempt > earlyAttempt)).toEqual([]);
      expect((await commandRows(high.personId)).map((row) => row.status)).toEqual(['HELD', 'HELD']);
      expect((await commandRows(critical.personId)).map((row) => row.status)).toEqual(['HELD']);
      const enrollmentIds = enrollments.map((row) => row.id);
      for (const id of enrollmentIds) expect(atPartner(id)).toEqual([]);
      expect((await partnerTasks(enrollmentIds)).map((task) => [task.status, task.attempts])).toEqual([
        ['PENDING', 0],
        ['PENDING', 0],
      ]);
      expect(logEntries(high.personId).filter((entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT)).toEqual(
        [],
      );
      expect(
        logEntries(high.personId).find((entry) => entry.kind === LogEntryKind.ENROLLMENT_CREATED)?.detail,
      ).toContain('held_while_paused=true');

      await control(incidentId, ControlAction.RESUMED, new Date(pausedAt.getTime() + 1000));
      await waitForApp(
        () => commandsFor(high.personId).length >= 2 && commandsFor(critical.personId).length >= 1,
        'the held commands sent on resume',
      );
      await waitForApp(
        () => enrollmentIds.every((id) => atPartner(id).length > 0),
        'the partner enrollments on resume',
      );
      await waitForApp(
        () => commandsFor(early.personId).some(({ command }) => command.attempt === earlyAttempt + 1),
        'the re-send that waited out the pause',
      );
      await waitForApp(
        async () => (await partnerTasks(enrollmentIds)).every((task) => task.status === 'DONE'),
        'partner tasks done',
      );

      // Exactly one command per number still held, each a first attempt of the command recorded while paused.
      const highRows = await commandRows(high.personId);
      const firstSends = (personId: string) => commandsFor(personId).filter(({ command }) => command.attempt === 1);
      expect(
        firstSends(high.personId)
          .map(({ key, command }) => [key, command.commandId])
          .sort(),
      ).toEqual(highRows.map((row) => [row.subscriber_id, row.command_id]).sort());
      expect(highRows.map((row) => row.subscriber_id).sort()).toEqual(
        high.subscriptions
          .filter((subscription) => subscription.stillHeld)
          .map((subscription) => subscription.subscriberId)
          .sort(),
      );
      for (const { command } of firstSends(high.personId)) {
        expect(command.actions).toEqual([SIM_SWAP_LOCK, PORT_OUT_LOCK]);
        expect(highNumbers).toContain(cipher.decrypt(Buffer.from(command.msisdnCiphertext), aad.msisdn));
      }
      expect(firstSends(critical.personId).map(({ command }) => command.actions)).toEqual([
        [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET],
      ]);
      expect((await commandRows(critical.personId)).map((row) => row.status)).toEqual(['SENT']);
      for (const id of enrollmentIds) expect(atPartner(id)).toHaveLength(1);
      await waitForApp(
        () =>
          logEntries(high.personId).filter(
            (entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT && entry.status === 'sent',
          ).length === 2,
        'the sends logged',
      );
    });
    it('sends held commands in the order they were decided, and queues commands decided after resume behind them', async () => {
      const incidentId = `INC-${randomUUID().slice(0, 8)}`;
      const pausedAt = new Date();
      await control(incidentId, ControlAction.PAUSED, pausedAt);
      await waitForApp(async () => (await controlRow(incidentId))?.paused === true, 'the pause recorded');
      const rev1 = exposure({ incidentId, subscriptions: [held(), held()] });
      await send(rev1);
      await codeOf(rev1.personId);

      // The release job locks held rows before it sends them: holding their locks keeps the backlog in place.
      const blocker = new Client({ connectionString: TEST_DATABASE_URL });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM fraud.protection_commands WHERE person_id = $1 FOR UPDATE', [rev1.personId]);
        await control(incidentId, ControlAction.RESUMED, new Date(pausedAt.getTime() + 1000));
        await waitForApp(async () => (await controlRow(incidentId))?.paused === false, 'the resume recorded');
        const rev2 = exposure({
          incidentId,
          personId: rev1.personId,
          subscriptions: rev1.subscriptions,
          revision: 2,
          change: ExposureChange.WIDENED,
          tier: RiskTier.CRITICAL,
          newCategories: [PiiCategory.CREDENTIALS],
          actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
        });
        await send(rev2);
        await waitForApp(() => enrollmentsCreated(rev1.personId).length === 2, "the widening's EnrollmentCreated");
        // Resumed, but the first revision's commands are not out yet: the PIN resets wait behind them.
        expect((await commandRows(rev1.personId)).map((row) => [row.exposure_revision, row.status])).toEqual([
          [1, 'HELD'],
          [1, 'HELD'],
          [2, 'HELD'],
          [2, 'HELD'],
        ]);
        expect(commandsFor(rev1.personId)).toEqual([]);
      } finally {
        await blocker.query('COMMIT');
        await blocker.end();
      }

      const firstSends = () => commandsFor(rev1.personId).filter(({ command }) => command.attempt === 1);
      await waitForApp(() => firstSends().length === 4, 'the four held commands sent');
      for (const { subscriberId } of rev1.subscriptions) {
        // One partition per key: the order received is the order sent.
        expect(
          firstSends()
            .filter(({ key }) => key === subscriberId)
            .map(({ command }) => command.actions),
        ).toEqual([[SIM_SWAP_LOCK, PORT_OUT_LOCK], [PIN_RESET]]);
      }
    });
  });
});
