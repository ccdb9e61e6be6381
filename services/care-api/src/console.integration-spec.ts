// The console end to end in Debian's chromium (playwright-core, no browser download): sign in through the
// real Keycloak with Authorization Code + PKCE, find a person, check the page against the database, switch
// to Urdu; a supervisor reveals a number and the access log has it. Screenshots go to docs/.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createLogger } from '@bnp/observability';
import { RiskTier, Topics } from '@bnp/contracts';
import { KafkaTestClient, TEST_DATABASE_URL, demoUser, startGroupAtEnd, testEnv, waitFor } from '@bnp/testing';
import { CARE_FEED_TOPICS, createCareApp, type CareApp } from './app';
import { loadCareConfig } from './config';
import {
  OwnersContract,
  exposedPerson,
  fed,
  national,
  textedCareCode,
  type ExposedPerson,
} from './testing/care-fixtures';

const GROUP = `care-console-it-${randomUUID().slice(0, 8)}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The realm's care-web client redirects to this origin only (deploy/local/keycloak/realm-bnp.json).
const CONSOLE_PORT = 3010;
const CONSOLE = `http://127.0.0.1:${CONSOLE_PORT}`;
const DOCS = resolve(__dirname, '../../../docs');
const DIST = resolve(__dirname, '../../care-web/dist');

describe('care console', () => {
  const owners = new OwnersContract();
  let kafka: KafkaTestClient;
  let care: CareApp;
  let db: Client;
  let browser: Browser;
  let person: ExposedPerson;

  beforeAll(async () => {
    // Missing pieces are failures, never skips: scripts/chromium.sh installs the browser, npm run build:care-web the app.
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run scripts/chromium.sh`);
    if (!existsSync(resolve(DIST, 'index.html')))
      throw new Error(`console not built in ${DIST}: npm run build:care-web`);
    await owners.start();
    kafka = new KafkaTestClient();
    const config = loadCareConfig(
      testEnv({
        CARE_CONSUMER_GROUP: GROUP,
        EXPOSURE_URL: owners.url,
        NOTIFIER_URL: owners.url,
        FRAUD_GUARD_URL: owners.url,
        CARE_WEB_DIST: DIST,
      }),
    );
    await startGroupAtEnd(kafka.kafka, GROUP, CARE_FEED_TOPICS);
    care = await createCareApp(config, createLogger('care-api', config.LOG_LEVEL));
    await care.app.startAllMicroservices();
    await care.app.listen(CONSOLE_PORT, '127.0.0.1');
    await kafka.collect([Topics.careChallenges]);
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    person = exposedPerson(owners);
    await fed(kafka, db, person);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await care?.app.close();
    await kafka?.close();
    await db?.end();
    await owners.close();
  });

  async function signedIn(username: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 1000 } })).newPage();
    await page.goto(`${CONSOLE}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Keycloak's own login form (the realm's theme).
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(demoUser(username).password);
    await page.locator('#kc-login').click();
    await page.getByText(`Signed in as ${username}`).waitFor({ timeout: 30_000 });
    return page;
  }

  async function openPerson(page: Page, reason: string): Promise<void> {
    await page.getByLabel('Reason for looking (recorded)').fill(reason);
    await page.getByLabel('Mobile number, CNIC, email or reference code').fill(national(person.held));
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('This person was affected by an incident.').waitFor();
    await page.getByRole('link', { name: 'Open' }).click();
    await page.getByTestId('person-view').waitFor();
  }

  it('lets an agent find a person by number and shows what the database holds, masked; then in Urdu', async () => {
    const page = await signedIn('carol');
    await openPerson(page, 'inbound call: did I get the SMS?');
    const { rows } = await db.query<{ tier: number; categories: number[] }>(
      `SELECT "tier", "categories" FROM "care"."exposure_revisions" WHERE "person_id" = $1`,
      [person.personId],
    );
    expect(await page.getByTestId('tier').innerText()).toBe(RiskTier[rows[0]!.tier]);
    expect((await page.getByTestId('categories').innerText()).split(', ')).toHaveLength(rows[0]!.categories.length);
    expect(await page.getByTestId('reach').innerText()).toBe('Unreachable');
    expect(await page.getByTestId('enrollment-state').innerText()).toBe('pending_activation');
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(person.held.slice(4)); // masked everywhere
    expect(text).toContain('switched off or out of coverage'); // Twilio's error in words

    // The caller proves they hold the phone: the code texted to it, read back to the agent.
    await page.getByRole('button', { name: 'Text a care code' }).click();
    await page.getByText(/Code sent to/).waitFor();
    const { code, msisdn } = await textedCareCode(kafka, { personId: person.personId });
    expect(msisdn).toBe(person.held);
    await page.getByLabel('Code the caller reads').fill(code);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('verified').waitFor();
    const { rows: verified } = await db.query(
      `SELECT 1 FROM "care"."verifications" WHERE "person_id" = $1 AND "verified_at" IS NOT NULL`,
      [person.personId],
    );
    expect(verified).toHaveLength(1);
    // The verified caller asks to leave fraud-watch: fraud-guard is asked, citing the verification.
    await page.getByRole('button', { name: 'Opt out (verified caller)' }).click();
    await page.getByTestId('enrollment-state').getByText('opted_out').waitFor();
    expect(owners.received.filter((r) => r.path === `/enrollments/${person.enrollmentId}/opt-out`)).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/^inbound call: did I get the SMS\? \(caller verified: /),
      }),
    ]);
    await page.screenshot({ path: resolve(DOCS, 'care-person-view.png'), fullPage: true });

    await page.getByLabel('Language').selectOption('ur');
    await page.getByText('کسٹمر کیئر کنسول').waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.getByTestId('reach').innerText()).toBe('رابطہ نہیں ہو سکا');
    await page.screenshot({ path: resolve(DOCS, 'care-person-view-ur.png'), fullPage: true });
    await page.context().close();
  }, 120_000);

  it('lets a supervisor reveal a number, and the access log records who, when and why', async () => {
    const page = await signedIn('dave');
    await openPerson(page, 'escalated call');
    const since = new Date();
    page.once('dialog', (dialog) => void dialog.accept('caller cannot read their own number'));
    await page.getByRole('button', { name: 'Reveal' }).click();
    await page.getByTestId(`number-${person.subscriberId}`).getByText(person.held).waitFor();
    const audit = await waitFor(async () => {
      const { rows } = await db.query<{ subject: string; reason: string; target_ids: Record<string, string> }>(
        `SELECT "subject", "reason", "target_ids" FROM "care"."access_log"
         WHERE "route" = 'POST /people/:personId/numbers/:subscriberId/reveal' AND "outcome" = 'ALLOWED' AND "occurred_at" >= $1`,
        [since],
      );
      return rows[0];
    }, 'the access record of the reveal');
    expect(audit).toMatchObject({
      reason: 'caller cannot read their own number',
      target_ids: { personId: person.personId, subscriberId: person.subscriberId },
    });
    await page.goto(`${CONSOLE}/#/board`);
    await page.getByLabel('Incident id').fill(person.incidentId);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('board').waitFor();
    expect(await page.getByTestId('board').innerText()).toMatch(/HIGH\s+1\s+0\s+1\s+0/);
    await page.screenshot({ path: resolve(DOCS, 'care-board.png'), fullPage: true });
    await page.context().close();
  }, 120_000);
});
