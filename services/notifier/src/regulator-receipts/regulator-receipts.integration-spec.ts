import { randomInt, randomUUID } from 'node:crypto';
import { PiiCategory, RiskTier } from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { KafkaTestClient, waitFor } from '@bnp/testing';
import { personExposed, regulatorReportFiled, testMsisdn } from '../testing/events';
import { NotifierHarness } from '../testing/harness';

describe('notices and the report to the regulator (regulator.reports.v1)', () => {
  let h: NotifierHarness;
  let seed = randomInt(1, 800_000_000);

  beforeAll(async () => {
    h = await NotifierHarness.start();
    await h.startNotifier();
  });

  afterAll(async () => {
    await h?.close();
  });

  const emailOf = async (incidentId: string) => {
    const email = `r-${randomUUID().slice(0, 8)}@example.pk`;
    const event = personExposed({
      incidentId,
      tier: RiskTier.MEDIUM,
      language: 'en',
      categories: [PiiCategory.CALL_RECORDS],
      numbers: [{ msisdn: testMsisdn(seed++) }],
      email,
    });
    await h.send(h.topics.exposure, [event]);
    const [mail] = await waitFor(
      () => (h.emailsTo(email).length > 0 ? h.emailsTo(email) : undefined),
      `the email to ${email}`,
      { timeoutMs: 20_000 },
    );
    return mail!.text;
  };

  it('says the report is being prepared and when it is due, then that it was filed once the PTA’s receipt arrives', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;

    const before = await emailOf(incidentId);
    expect(before).not.toContain('reported the breach');
    // Detected 2026-03-04 22:00 UTC: the PTA's 72 hours end 2026-03-07 22:00 UTC, 8 March in Pakistan.
    expect(before).toContain(
      'Our report to the Pakistan Telecommunication Authority is being prepared and is due by 08-03-2026',
    );

    const receipt = regulatorReportFiled({ incidentId, regulatorId: 'pta', filedAt: new Date('2026-03-06T09:00:00Z') });
    await h.send(h.topics.regulatorReports, [receipt, receipt]);
    await waitFor(
      async () =>
        (await h.query(`SELECT 1 FROM notify.regulator_receipts WHERE incident_id = $1`, [incidentId])).length === 1,
      'the receipt stored once',
    );

    const after = await emailOf(incidentId);
    expect(after).toContain('reported the breach to the Pakistan Telecommunication Authority on 06-03-2026');
  });

  it('dead-letters a receipt whose key is not its incident, with the reason', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const dlt = deadLetterTopic(h.env.NOTIFIER_CONSUMER_GROUP ?? '');
    const kafka = new KafkaTestClient();
    try {
      await kafka.collect([dlt]);
      await h.send(h.topics.regulatorReports, [
        regulatorReportFiled({ incidentId, regulatorId: 'pta', filedAt: new Date(), key: 'someone-else' }),
      ]);
      const dead = await waitFor(
        () => kafka.messages(dlt).find((message) => message.key === 'someone-else'),
        'the receipt in the dead-letter topic',
      );
      expect(dead.headers[FailureHeaders.errorReason]).toContain('the message key must be the incident id');
      expect(await h.query(`SELECT 1 FROM notify.regulator_receipts WHERE incident_id = $1`, [incidentId])).toEqual([]);
    } finally {
      await kafka.close();
    }
  });
});
