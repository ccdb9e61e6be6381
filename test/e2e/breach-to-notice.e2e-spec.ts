// The whole pipeline, from a breach event to the person's phone and inbox: the four services run as
// child processes (as `npm start` runs them) on the real contract topics, each consumer group unique
// to this run and started at the topics' current end; the directory comes in through `npm run import`;
// Twilio, the SMTP relay and the monitoring partner are the local stand-ins, in-process, so the spec
// counts what actually reached each number and mailbox.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Pool } from 'pg';
import {
  AttackVector,
  BreachReportedSchema,
  EnrollmentCreatedSchema,
  PersonExposedSchema,
  ProtectionCommandSchema,
  Region,
  RiskTier,
  Severity,
  Topics,
  decodeBinary,
} from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic, retryTopic } from '@bnp/messaging';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import {
  KafkaTestClient,
  startGroupAtEnd,
  TEST_DATABASE_URL,
  TEST_PII_KEYS,
  testEnv,
  waitFor,
  waitForConsumed,
} from '@bnp/testing';
// The stand-ins are local tools, not libraries: tests reach them by path, as their READMEs say.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  createMonitoringPartnerStandIn,
  type MonitoringPartnerStandIn,
} from '../../deploy/local/monitoring-partner/src';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createSmtpSink, type SmtpSink } from '../../deploy/local/smtp-sink/src';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createTwilioStandIn, type TwilioStandIn } from '../../deploy/local/twilio-stand-in/src';
import { ServiceProcess, freePort, importCsv, lagOf } from './stack';

const run = randomUUID().slice(0, 8);
const URDU = /[\u0600-\u06FF]/;
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'e2e-auth-token';
const RETRY_DELAYS = '500,1000';
const WAIT = { timeoutMs: 30_000 };
const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));

const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');
const newCnic = () => `${randomInt(1, 8)}${digits(4)}-${digits(7)}-${digits(1)}`;
const newMsisdn = () => `+923${digits(9)}`;
/** Every form in which a CNIC, number or address could sit in a column in plain text. */
const plainCnic = (cnic: string) => [cnic, cnic.replace(/-/g, '')];
const plainMsisdn = (msisdn: string) => [msisdn.slice(3)]; // the national significant number, inside every form
const plainEmail = (email: string) => [email, email.split('@')[0]!];

const A = {
  cnic: newCnic(),
  name: 'عائشہ صدیقی',
  email: `ayesha.${run}@example.pk`,
  sims: [
    { subscriberId: `E2E-${run}-A1`, msisdn: newMsisdn() },
    { subscriberId: `E2E-${run}-A2`, msisdn: newMsisdn() },
  ],
};
const B = { cnic: newCnic(), subscriberId: `E2E-${run}-B1`, msisdn: newMsisdn() };
const RECYCLED = newMsisdn(); // C's old number, now D's
const C = { cnic: newCnic(), subscriberId: `E2E-${run}-C1`, email: `sana.${run}@example.pk` };
const D = { cnic: newCnic(), subscriberId: `E2E-${run}-D1`, email: `danish.${run}@example.pk` };
const ASSET = {
  crm: `crm.subscribers-${run}`,
  billing: `billing.payment_methods-${run}`,
  leads: `marketing.leads-${run}`,
  cdr: `cdr.voice-${run}`,
};

const GROUPS = {
  intake: `e2e-intake-${run}`,
  exposure: `e2e-exposure-${run}`,
  notifier: `e2e-notifier-${run}`,
  logWriter: `e2e-notification-log-${run}`,
  fraud: `e2e-fraud-${run}`,
  fraudControl: `e2e-fraud-control-${run}`,
};

const incidentId = `E2E-${run}`;
const breachReported = Buffer.from(
  toBinary(
    BreachReportedSchema,
    create(BreachReportedSchema, {
      eventId: `${incidentId}-r1`,
      incidentId,
      revision: 1,
      reportedAt: timestampFromDate(new Date()),
      detectedAt: timestampFromDate(new Date(Date.now() - 6 * 3600_000)),
      occurredFrom: timestampFromDate(new Date(Date.now() - 9 * 86400_000)),
      occurredTo: timestampFromDate(new Date(Date.now() - 7 * 3600_000)),
      attackVectors: [AttackVector.PHISHING, AttackVector.ZERO_DAY_EXPLOIT],
      severity: Severity.CRITICAL,
      summary: "Phished staff accounts exported Sindh's CRM and billing records and the marketing leads.",
      jurisdiction: 'PK',
      reporter: 'e2e-soc',
      compromisedAssets: [
        {
          assetId: ASSET.crm,
          categories: [],
          scope: { kind: { case: 'regions', value: { regions: [Region.SINDH] } } },
        },
        {
          assetId: ASSET.billing,
          categories: [],
          scope: { kind: { case: 'regions', value: { regions: [Region.SINDH] } } },
        },
        { assetId: ASSET.leads, categories: [], scope: { kind: { case: 'all', value: {} } } },
      ],
    }),
  ),
);

describe('a breach event, end to end, to the phones and inboxes of the people it exposed', () => {
  let standIn: TwilioStandIn;
  let sink: SmtpSink;
  let partner: MonitoringPartnerStandIn;
  let kafka: KafkaTestClient;
  let db: Pool;
  const services: ServiceProcess[] = [];
  let logs = '';
  const personIds: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };

  const smsTo = (to: string) => standIn.admin.messages(to);
  const emailsTo = (address: string) => sink.store.list({ to: address, offset: 0, limit: 100 }).messages;
  const query = async <T extends object>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  const ourNumbers = [...A.sims.map((sim) => sim.msisdn), B.msisdn, RECYCLED];
  const ourAddresses = [A.email, C.email, D.email];
  const exposuresOfIncident = () =>
    kafka
      .messages(Topics.exposure)
      .map((message) => decodeBinary(PersonExposedSchema, message.value!))
      .filter((event) => event.incidentId === incidentId);
  const commandsOfIncident = () =>
    kafka
      .messages(Topics.fraudProtection)
      .map((message) => decodeBinary(ProtectionCommandSchema, message.value!))
      .filter((command) => command.incidentId === incidentId);
  const noticesOfIncident = () =>
    query<{ notice_id: string; person_id: string; outcome: string; reference_code: string; enrollment_id: string }>(
      'SELECT notice_id, person_id, outcome, reference_code, enrollment_id FROM notify.notices WHERE incident_id = $1',
      [incidentId],
    );
  /** What this run's fraud-guard recorded (other runs' fraud-guards on the shared topics may act on our events too). */
  const ourCommands = () =>
    query<{ command_id: string; subscriber_id: string }>(
      'SELECT command_id, subscriber_id FROM fraud.protection_commands WHERE incident_id = $1',
      [incidentId],
    );
  /** Anything of this incident one of our services gave up on, with the reason it gave. */
  const deadLettered = () =>
    Object.values(GROUPS)
      .flatMap((group) => kafka.messages(deadLetterTopic(group)))
      .filter((message) => message.key === incidentId || Object.values(personIds).includes(message.key ?? ''))
      .map(
        (message) =>
          `${message.headers[FailureHeaders.consumerGroup]}: ${message.headers[FailureHeaders.errorCode]} ${message.headers[FailureHeaders.errorReason]}`,
      );
  /** Why a wait may have timed out: foreign traffic our consumers must get through first, or a dead letter. */
  const explain = async () => {
    const lags = await Promise.all(
      [GROUPS.notifier, GROUPS.fraud].map(
        async (group) => `${group} ${await lagOf(kafka.kafka, group, Topics.exposure)}`,
      ),
    );
    return `exposure.v1 lag: ${lags.join(', ')}; dead-lettered: ${JSON.stringify(deadLettered())}; logs: ${logs}`;
  };
  const waitOrExplain = <T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string) =>
    waitFor(check, what, WAIT).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await explain()}`);
    });
  const deliveriesOf = (personId: string) =>
    query<{ channel: string; state: string; provider_ref: string | null }>(
      `SELECT d.channel, d.state, d.provider_ref FROM notify.deliveries d
       JOIN notify.notices n ON n.notice_id = d.notice_id WHERE n.incident_id = $1 AND n.person_id = $2`,
      [incidentId, personId],
    );

  beforeAll(async () => {
    [standIn, sink, partner] = await Promise.all([
      createTwilioStandIn({
        host: '127.0.0.1',
        port: 0,
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        stateFile: null,
        sentDelayMs: 5,
        deliveredDelayMs: 10,
        segmentsPerSecond: 2000,
      }),
      createSmtpSink({ smtpPort: 0, httpPort: 0, maxMessages: 10_000 }),
      createMonitoringPartnerStandIn({ port: 0 }),
    ]);
    db = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
    kafka = new KafkaTestClient();
    logs = mkdtempSync(join(tmpdir(), `bnp-e2e-${run}-`));
    const common = {
      ...(testEnv() as Record<string, string>),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const [intakePort, exposurePort, notifierPort, fraudPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const start = (name: string, entry: string, port: number, env: Record<string, string>) => {
      services.push(ServiceProcess.start(name, entry, port, { ...common, ...env }, join(logs, `${name}.log`)));
    };
    const startServices = () => {
      start('breach-intake', 'services/breach-intake/src/main.ts', intakePort, {
        INTAKE_CONSUMER_GROUP: GROUPS.intake,
        INTAKE_RETRY_DELAYS_MS: RETRY_DELAYS,
      });
      start('exposure', 'services/exposure/src/main.ts', exposurePort, {
        EXPOSURE_CONSUMER_GROUP: GROUPS.exposure,
        EXPOSURE_RETRY_DELAYS_MS: RETRY_DELAYS,
      });
      start('notifier', 'services/notifier/src/main.ts', notifierPort, {
        NOTIFIER_PUBLIC_URL: `http://127.0.0.1:${notifierPort}`,
        NOTIFIER_LOG_HMAC_KEY: randomBytes(32).toString('base64'),
        NOTIFIER_INSTANCE_ID: `e2e-${run}`,
        NOTIFIER_CONSUMER_GROUP: GROUPS.notifier,
        NOTIFIER_LOG_WRITER_GROUP: GROUPS.logWriter,
        NOTIFIER_RETRY_DELAYS_MS: RETRY_DELAYS,
        NOTIFIER_QUIET_HOURS: 'off',
        NOTIFIER_SETTLE_MS: '200',
        NOTIFIER_POLL_INTERVAL_MS: '100',
        NOTIFIER_LEASE_MS: '10000',
        NOTIFIER_RECONCILE_GRACE_MS: '1000',
        // Long enough that a protected notice really carries fraud-guard's code; a timeout would show as a second SMS.
        NOTIFIER_ENROLLMENT_MAX_WAIT_MS: '20000',
        NOTIFIER_RETRY_BASE_MS: '100',
        NOTIFIER_RETRY_MAX_MS: '1000',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: standIn.url,
        TWILIO_REQUEST_TIMEOUT_MS: '2000',
        TWILIO_SEGMENTS_PER_SECOND: '1000',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(sink.smtpPort),
      });
      start('fraud-guard', 'services/fraud-guard/src/main.ts', fraudPort, {
        FRAUD_CONSUMER_GROUP: GROUPS.fraud,
        FRAUD_CONTROL_CONSUMER_GROUP: GROUPS.fraudControl,
        FRAUD_RETRY_DELAYS_MS: RETRY_DELAYS,
        FRAUD_ACTIVATION_CODE_KEY: randomBytes(32).toString('base64'),
        // Nobody acknowledges in this spec: no re-send may blur "one command per number".
        FRAUD_COMMAND_RESEND_AFTER_MS: '600000',
        FRAUD_SCHEDULER_INTERVAL_MS: '200',
        MONITORING_PARTNER_URL: partner.url,
        MONITORING_PARTNER_TIMEOUT_MS: '2000',
        MONITORING_PARTNER_RETRY_AFTER_MS: '200',
        MONITORING_PARTNER_RETRY_MAX_MS: '1000',
      });
    };

    // The directory, through the import the operator runs (encrypted and blind-indexed with the test keys).
    // One import at a time (the importer takes a directory-wide lock); holdings after what they refer to.
    const directory: Record<string, string[]> = {
      subscribers: [
        'subscriber_id,cnic,name,msisdn,email,language,region,line_type,account_status',
        ...A.sims.map(
          (sim) => `${sim.subscriberId},${A.cnic},${A.name},${sim.msisdn},${A.email},ur,SINDH,CONSUMER,ACTIVE`,
        ),
        `${B.subscriberId},${B.cnic},Bilal Ahmed,${B.msisdn},,en,PUNJAB,CONSUMER,ACTIVE`,
        `${C.subscriberId},${C.cnic},Sana Baloch,${RECYCLED},${C.email},en,SINDH,CONSUMER,FORMER`,
        `${D.subscriberId},${D.cnic},Danish Khan,${RECYCLED},${D.email},en,PUNJAB,CONSUMER,ACTIVE`,
      ],
      assets: [
        'asset_id,owning_system,categories,description',
        `${ASSET.crm},crm,NAME|CNIC|MSISDN|POSTAL_ADDRESS,Customer master`,
        `${ASSET.billing},billing,NAME|PAYMENT_CARD|BANK_ACCOUNT,Payment methods on file`,
        `${ASSET.leads},marketing,NAME|MSISDN|EMAIL,Campaign leads`,
        `${ASSET.cdr},network,MSISDN|CALL_RECORDS|LOCATION,Voice call records`,
      ],
      holdings: [
        'asset_id,subscriber_id,region,records_from,records_to',
        ...A.sims.flatMap((sim) => [
          `${ASSET.crm},${sim.subscriberId},SINDH,2019-01-01,`,
          `${ASSET.billing},${sim.subscriberId},SINDH,2021-01-01,`,
        ]),
        `${ASSET.leads},${B.subscriberId},PUNJAB,2024-01-01,`,
        `${ASSET.crm},${C.subscriberId},SINDH,2016-01-01,2022-12-31T23:59:59Z`,
        // D holds the recycled number and has records, but in nothing that was taken.
        `${ASSET.cdr},${D.subscriberId},PUNJAB,2023-01-01,`,
      ],
    };
    const importDirectory = async () => {
      for (const [kind, rows] of Object.entries(directory)) {
        const file = join(logs, `${kind}.csv`);
        writeFileSync(file, `${rows.join('\n')}\n`);
        await importCsv(kind, file, { ...TEST_PII_KEYS, DATABASE_URL: TEST_DATABASE_URL });
      }
    };

    // Every group starts at the current end of every contract topic, whatever subset it reads, so no run
    // reads another's history; the services start once that is committed, while the directory is imported.
    const admin = kafka.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.disconnect();
    const contractTopics = Object.values(Topics).filter((topic) => existing.has(topic));
    await Promise.all([
      importDirectory(),
      Promise.all(Object.values(GROUPS).map((group) => startGroupAtEnd(kafka.kafka, group, contractTopics))).then(
        startServices,
      ),
    ]);
    const subscribers = await query<{ subscriber_id: string; person_id: string }>(
      'SELECT subscriber_id, person_id FROM exposure.subscribers WHERE subscriber_id = ANY($1)',
      [[A.sims[0]!.subscriberId, B.subscriberId, C.subscriberId, D.subscriberId]],
    );
    const personOf = (subscriberId: string) => subscribers.find((row) => row.subscriber_id === subscriberId)!.person_id;
    Object.assign(personIds, {
      A: personOf(A.sims[0]!.subscriberId),
      B: personOf(B.subscriberId),
      C: personOf(C.subscriberId),
      D: personOf(D.subscriberId),
    });

    await kafka.collect([Topics.exposure, Topics.fraudProtection, Topics.fraudEnrollments]);
    await Promise.all(services.map((service) => service.ready(45_000)));
    // The services created their dead-letter topics at boot.
    await kafka.collect(Object.values(GROUPS).map((group) => deadLetterTopic(group)));
  }, 90_000);

  afterAll(async () => {
    const died = services.filter((service) => !service.running);
    if (died.length > 0) console.error(`exited early: ${died.map((s) => s.name).join(', ')}; logs in ${logs}`);
    await Promise.all(services.map((service) => service.stop()));
    await kafka?.close();
    // Leave the shared broker as we found it: this run's retry and dead-letter topics (names carry the run id).
    if (kafka) {
      const admin = kafka.kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const owned = Object.values(GROUPS)
          .flatMap((group) => [retryTopic(group, 1), retryTopic(group, 2), deadLetterTopic(group)])
          .filter((topic) => existing.has(topic) && topic.includes(run));
        if (owned.length > 0) await admin.deleteTopics({ topics: owned, timeout: 30_000 }).catch(() => undefined);
        await admin.deleteGroups(Object.values(GROUPS)).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    }
    await Promise.all([standIn?.close(), sink?.close(), partner?.close()]);
    await db?.end();
  }, 60_000);

  it('resolves the breach to A, B and C (not D) and settles every notice', async () => {
    await kafka.send(Topics.breachEvents, [{ key: incidentId, value: breachReported }]);

    await waitOrExplain(async () => {
      const notices = await noticesOfIncident();
      return notices.length === 3 && notices.every((notice) => notice.outcome !== 'pending');
    }, 'three settled notices');
    const exposures = exposuresOfIncident();
    expect(
      exposures
        .map((event) => ({
          person: Object.entries(personIds).find(([, id]) => id === event.personId)?.[0],
          tier: RiskTier[event.tier],
          stillHeld: event.subscriptions.map((subscription) => subscription.stillHeld),
        }))
        .sort((a, b) => String(a.person).localeCompare(String(b.person))),
    ).toEqual([
      { person: 'A', tier: 'CRITICAL', stillHeld: [true, true] },
      { person: 'B', tier: 'LOW', stillHeld: [true] },
      // The former customer was exposed too; the directory says the number is someone else's now.
      { person: 'C', tier: 'HIGH', stillHeld: [false] },
    ]);
    const [revision] = await query<{ status: string }>(
      'SELECT status FROM exposure.revisions WHERE incident_id = $1 AND revision = 1',
      [incidentId],
    );
    expect(revision?.status).toBe('RELEASED'); // three people: under the release gate's threshold
    // Every delivery reached its final state before the counting below.
    await waitOrExplain(async () => {
      const rows = await Promise.all([personIds.A, personIds.B, personIds.C].map(deliveriesOf));
      return rows.flat().every((d) => (d.channel === 'sms' ? d.state === 'delivered' : d.state === 'sent'));
    }, 'every delivery final');
    expect(deadLettered()).toEqual([]);
  }, 60_000);

  it("texts each of A's two numbers once, in Urdu, with A's own categories, fraud-guard's code and the reference", async () => {
    const notice = (await noticesOfIncident()).find((row) => row.person_id === personIds.A)!;
    expect(notice.outcome).toBe('reached');
    const [ours] = await query<{ id: string }>(
      'SELECT id FROM fraud.enrollments WHERE incident_id = $1 AND person_id = $2',
      [incidentId, personIds.A],
    );
    expect(ours).toBeDefined(); // this run's fraud-guard enrolled A ...
    const published = kafka
      .messages(Topics.fraudEnrollments)
      .map((message) => decodeBinary(EnrollmentCreatedSchema, message.value!))
      .filter((event) => event.incidentId === incidentId && event.personId === personIds.A);
    expect(published.map((event) => event.enrollmentId)).toContain(ours!.id); // ... and announced it
    // The notice carries the code of the enrollment it waited for: ours, unless another run's fraud-guard on the
    // shared topics announced one for A first (then that one, equally minted by fraud-guard).
    const enrollment = published.find((event) => event.enrollmentId === notice.enrollment_id);
    expect(enrollment).toBeDefined();
    // fraud-guard seals the code for its readers under this context (ADR 7).
    const activationCode = cipher.decrypt(
      Buffer.from(enrollment!.activationCodeCiphertext),
      `enrollment:${enrollment!.enrollmentId}/activation-code`,
    );

    for (const { msisdn } of A.sims) {
      const sms = smsTo(msisdn);
      expect(sms).toHaveLength(1);
      expect(sms[0]!.encoding).toBe('UCS-2');
      expect(sms[0]!.body).toMatch(URDU);
      expect(sms[0]!.body).toContain('شناختی کارڈ نمبر'); // CNIC
      expect(sms[0]!.body).toContain('بینک اکاؤنٹ'); // bank account
      expect(sms[0]!.body).toContain('ادائیگی کارڈ'); // payment card
      expect(sms[0]!.body).not.toContain('کال ریکارڈ'); // call records: not A's
      expect(sms[0]!.body).toContain(activationCode);
      expect(sms[0]!.body).toContain(notice.reference_code);
      expect(sms[0]!.body).not.toMatch(/https?:|www\./);
    }
    const emails = emailsTo(A.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toMatch(URDU);
    expect(emails[0]!.html).toContain('dir="rtl"');
    expect(emails[0]!.text).toContain('آپ کا شناختی کارڈ نمبر');
    expect(emails[0]!.text).toContain(activationCode);
  });

  it('texts B once, in English, and sends no email', async () => {
    const sms = smsTo(B.msisdn);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.encoding).toBe('GSM-7');
    expect(sms[0]!.body).toContain('exposed your name, mobile number & email');
    expect(sms[0]!.body).not.toContain('CNIC');
    expect(await deliveriesOf(personIds.B)).toEqual([expect.objectContaining({ channel: 'sms' })]);
  });

  it('sends nothing to the recycled number: C is told by email only, D gets nothing', async () => {
    expect(smsTo(RECYCLED)).toHaveLength(0);
    expect(emailsTo(C.email)).toHaveLength(1);
    expect(emailsTo(D.email)).toHaveLength(0);
    expect((await noticesOfIncident()).map((notice) => notice.person_id)).not.toContain(personIds.D);
  });

  it('locks exactly the numbers A still holds, and enrolls those numbers with the monitoring partner', async () => {
    const recorded = await ourCommands();
    expect(recorded.map((row) => row.subscriber_id).sort()).toEqual(A.sims.map((sim) => sim.subscriberId).sort());
    // Each published once (nobody acknowledges here, and re-sends are minutes away) ...
    const commands = commandsOfIncident().filter((c) => recorded.some((row) => row.command_id === c.commandId));
    expect(commands).toHaveLength(2);
    expect(commands.map((command) => command.personId)).toEqual([personIds.A, personIds.A]);
    expect(commands.map((command) => cipher.decrypt(Buffer.from(command.msisdnCiphertext))).sort()).toEqual(
      A.sims.map((sim) => sim.msisdn).sort(),
    );
    // ... and no fraud-guard at all locked C's old subscription or the number that is D's now.
    const anyone = commandsOfIncident();
    expect(anyone.map((command) => command.subscriberId)).not.toContain(C.subscriberId);
    expect(anyone.map((command) => command.subscriberId)).not.toContain(D.subscriberId);
    expect(anyone.map((command) => cipher.decrypt(Buffer.from(command.msisdnCiphertext)))).not.toContain(RECYCLED);
    const partnerEnrollment = await waitOrExplain(
      () =>
        partner
          .enrollments()
          .find(
            (record) => record.msisdns.length > 0 && record.msisdns.every((m) => A.sims.some((s) => s.msisdn === m)),
          ),
      "A's partner enrollment",
    );
    expect(partnerEnrollment.msisdns.sort()).toEqual(A.sims.map((sim) => sim.msisdn).sort());
    expect(partner.enrollments().flatMap((record) => record.msisdns)).not.toContain(RECYCLED);
  });

  it("logs A's deliveries in the notification log with no plain number, CNIC or email in any column", async () => {
    const deliveries = await deliveriesOf(personIds.A);
    expect(deliveries.map((d) => d.channel).sort()).toEqual(['email', 'sms', 'sms']);
    type Entry = { person_id: string; channel: string; status: string; provider_ref: string | null };
    const log = () =>
      query<Entry & Record<string, unknown>>(
        'SELECT * FROM notify.notification_log WHERE incident_id = $1 ORDER BY seq',
        [incidentId],
      );
    const logged = (entries: Entry[], channel: string, status: string, ref: string | null) =>
      entries.some(
        (e) => e.person_id === personIds.A && e.channel === channel && e.status === status && e.provider_ref === ref,
      );
    await waitOrExplain(async () => {
      const entries = await log();
      return deliveries.every((d) =>
        d.channel === 'sms'
          ? logged(entries, 'SMS', 'delivered', d.provider_ref)
          : logged(entries, 'EMAIL', 'sent', d.provider_ref),
      );
    }, "A's deliveries in the notification log");
    const everything = JSON.stringify(await log());
    const secrets = [
      ...[A.cnic, B.cnic, C.cnic, D.cnic].flatMap(plainCnic),
      ...ourNumbers.flatMap(plainMsisdn),
      ...ourAddresses.flatMap(plainEmail),
      ...A.sims.map((sim) => smsTo(sim.msisdn)[0]!.body),
    ];
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('changes nothing when the same BreachReported is delivered again', async () => {
    const counts = async () => {
      const commands = await ourCommands();
      return {
        sms: ourNumbers.map((to) => smsTo(to).length),
        emails: ourAddresses.map((address) => emailsTo(address).length),
        exposures: exposuresOfIncident().length,
        notices: (await noticesOfIncident()).length,
        commands: commands.map((row) => row.command_id).sort(),
        published: commandsOfIncident().filter((c) => commands.some((row) => row.command_id === c.commandId)).length,
      };
    };
    const before = await counts();
    expect(before.sms).toEqual([1, 1, 1, 0]);

    await kafka.send(Topics.breachEvents, [{ key: incidentId, value: breachReported }]);
    // Positive evidence, stage by stage, that the replay went through the whole chain: intake committed
    // past it, then exposure past everything on incident revisions, then the notifier and fraud-guard
    // past everything on exposure.v1 and the enrollments. Only then is "nothing changed" worth asserting.
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      const chain: [string, string[]][] = [
        [GROUPS.intake, [Topics.breachEvents]],
        [GROUPS.exposure, [Topics.incidentRevisions]],
        [GROUPS.fraud, [Topics.exposure]],
        [GROUPS.notifier, [Topics.exposure, Topics.fraudEnrollments]],
      ];
      for (const [group, topics] of chain) {
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic);
          const last = ends
            .filter(({ high }) => Number(high) > 0)
            .map(({ partition, high }) => ({ topic, partition, offset: String(Number(high) - 1) }));
          await waitForConsumed(admin, group, last, WAIT.timeoutMs);
        }
      }
    } finally {
      await admin.disconnect();
    }
    expect(await counts()).toEqual(before);
    const [revisions] = await query<{ n: number }>(
      'SELECT count(*)::int AS n FROM intake.incident_revisions WHERE incident_id = $1',
      [incidentId],
    );
    expect(revisions?.n).toBe(1);
  }, 60_000);
});
