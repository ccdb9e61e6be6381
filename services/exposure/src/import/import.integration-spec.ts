import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { LineType, ListKind, PiiCategory, Region } from '@bnp/contracts';
import {
  BlindIndexer,
  FieldCipher,
  maskEmail,
  maskMsisdn,
  normalizeCnic,
  normalizeMsisdn,
  parseKeyRing,
} from '@bnp/pii';
import { TEST_DATABASE_URL, TEST_PII_KEYS } from '@bnp/testing';
import { AccountStatus } from '../directory/directory.enums';
import { ImportErrorCode } from './import.exception';
import { DirectoryImportService, ImportRequest, ImportSummary } from './import.service';
import { REJECTS_HEADER } from './reject-report';

const keyRing = parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID);
const blindIndexKey = Buffer.from(TEST_PII_KEYS.PII_BLIND_INDEX_KEY, 'base64');
const cipher = new FieldCipher(keyRing);
const indexer = new BlindIndexer(blindIndexKey);

const SUBSCRIBERS_HEADER = 'subscriber_id,cnic,name,msisdn,email,language,region,line_type,account_status';
const HOLDINGS_HEADER = 'asset_id,subscriber_id,region,records_from,records_to';

// Numbers, CNICs and ids unique to this run, so the suite can share the test database with other suites.
const run = Date.now().toString(36).slice(-5);
let serial = 0;
const next = () => ++serial;
const id = (name: string) => `imp-${run}-${name}`;
/** A fresh mobile number in a range no other suite uses: 0399 + 7 digits. */
const msisdn = () => `0399${String((Number.parseInt(run, 36) * 97 + next()) % 10_000_000).padStart(7, '0')}`;
const cnic = () => `6${String((Number.parseInt(run, 36) * 89 + next()) % 10 ** 11).padStart(11, '0')}1`;

interface SubscriberLine {
  id: string;
  cnic: string;
  name: string;
  msisdn: string;
  email?: string;
  language?: string;
  region?: string;
  lineType?: string;
  status?: string;
}

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const subscriberLine = (s: SubscriberLine) =>
  [
    s.id,
    s.cnic,
    s.name,
    s.msisdn,
    s.email ?? '',
    s.language ?? 'en',
    s.region ?? 'PUNJAB',
    s.lineType ?? 'CONSUMER',
    s.status ?? 'ACTIVE',
  ]
    .map(csvField)
    .join(',');

describe('bulk import into the real PostgreSQL', () => {
  let db: Client;
  let dir: string;
  const logged: string[] = [];
  const service = new DirectoryImportService({
    databaseUrl: TEST_DATABASE_URL,
    keys: { keyRing, blindIndexKey },
    workers: 1,
    log: (line) => logged.push(line),
  });

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    dir = await mkdtemp(join(tmpdir(), 'bnp-import-'));
  });

  afterAll(async () => {
    await db?.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    logged.length = 0;
  });

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text, 'utf8');
    return path;
  };
  const subscribersFile = (name: string, rows: SubscriberLine[], eol = '\n') =>
    file(name, [SUBSCRIBERS_HEADER, ...rows.map(subscriberLine)].join(eol) + eol);
  const importFile = (request: ImportRequest): Promise<ImportSummary> => service.import(request);

  const subscriberRow = async (subscriberId: string) =>
    (
      await db.query<{
        subscriber_id: string;
        person_id: string;
        msisdn_enc: Buffer;
        msisdn_bidx: Buffer;
        msisdn_masked: string;
        region: number;
        line_type: number;
        account_status: number;
        updated_at: Date;
      }>('SELECT * FROM exposure.subscribers WHERE subscriber_id = $1', [subscriberId])
    ).rows[0];
  const personRow = async (personId: string) =>
    (
      await db.query<{
        person_id: string;
        cnic_bidx: Buffer;
        cnic_enc: Buffer;
        name_enc: Buffer;
        email_enc: Buffer | null;
        email_bidx: Buffer | null;
        email_masked: string | null;
        language: string;
      }>('SELECT * FROM exposure.persons WHERE person_id = $1', [personId])
    ).rows[0];
  const rejectsOf = async (summary: ImportSummary) => {
    if (!summary.rejectsFile) return [];
    const [header, ...lines] = (await readFile(summary.rejectsFile, 'utf8')).trimEnd().split('\n');
    expect(header).toBe(REJECTS_HEADER);
    return lines;
  };

  it('stores PII only encrypted, with blind indexes that find it, and groups SIMs of one CNIC into one person', async () => {
    const ayesha = { cnic: cnic(), name: 'عائشہ صدیقی', email: 'Ayesha.Siddiqui@Example.pk' };
    const rows: SubscriberLine[] = [
      { id: id('A1'), ...ayesha, msisdn: msisdn(), language: 'ur', region: 'SINDH' },
      { id: id('A2'), ...ayesha, msisdn: msisdn(), language: 'ur', region: 'PUNJAB', lineType: 'CORPORATE' },
      { id: id('B1'), cnic: cnic(), name: 'Khan, "Bilal"', msisdn: msisdn(), region: 'Khyber Pakhtunkhwa' },
    ];
    const summary = await importFile({ kind: 'subscribers', file: await subscribersFile('first.csv', rows, '\r\n') });

    expect(summary).toMatchObject({
      rowsRead: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      persons: { inserted: 2, updated: 0 },
    });
    expect(summary.rejectsFile).toBeUndefined();
    const a1 = await subscriberRow(id('A1'));
    const a2 = await subscriberRow(id('A2'));
    const b1 = await subscriberRow(id('B1'));
    expect(a1?.person_id).toBe(a2?.person_id);
    expect(b1?.person_id).not.toBe(a1?.person_id);
    // Time-ordered ids (UUIDv7): people written together are neighbours in the persons index (ADR 20).
    const uuidV7 = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect([a1?.person_id, b1?.person_id]).toEqual([uuidV7, uuidV7]);
    expect([a2?.region, a2?.line_type, a2?.account_status]).toEqual([
      Region.PUNJAB,
      LineType.CORPORATE,
      AccountStatus.Active,
    ]);
    expect(b1?.region).toBe(Region.KHYBER_PAKHTUNKHWA);

    const person = await personRow(a1?.person_id as string);
    expect(cipher.decrypt(person?.cnic_enc as Buffer)).toBe(normalizeCnic(ayesha.cnic));
    expect(cipher.decrypt(person?.name_enc as Buffer)).toBe('عائشہ صدیقی');
    expect(cipher.decrypt(person?.email_enc as Buffer)).toBe('ayesha.siddiqui@example.pk');
    expect(person?.email_masked).toBe(maskEmail('ayesha.siddiqui@example.pk'));
    expect(person?.language).toBe('ur');
    expect(cipher.decrypt(a1?.msisdn_enc as Buffer)).toBe(normalizeMsisdn(rows[0]?.msisdn as string));
    expect(a1?.msisdn_masked).toBe(maskMsisdn(rows[0]?.msisdn));
    expect(cipher.decrypt((await personRow(b1?.person_id as string))?.name_enc as Buffer)).toBe('Khan, "Bilal"');

    // No column holds a plaintext value, in any form.
    const everything = [...Object.values(person ?? {}), ...Object.values(a1 ?? {})].filter((value): value is Buffer =>
      Buffer.isBuffer(value),
    );
    for (const plain of [
      normalizeCnic(ayesha.cnic),
      'صدیقی',
      'ayesha.siddiqui',
      normalizeMsisdn(rows[0]?.msisdn as string).slice(3),
    ]) {
      expect(everything.some((bytes) => bytes.includes(Buffer.from(plain, 'utf8')))).toBe(false);
    }

    // Blind index lookups with the configured key find the rows.
    const byMsisdn = await db.query('SELECT subscriber_id FROM exposure.subscribers WHERE msisdn_bidx = $1', [
      indexer.index('msisdn', normalizeMsisdn(rows[1]?.msisdn as string)),
    ]);
    expect(byMsisdn.rows).toEqual([{ subscriber_id: id('A2') }]);
    const byCnic = await db.query('SELECT person_id FROM exposure.persons WHERE cnic_bidx = $1', [
      indexer.index('cnic', normalizeCnic(ayesha.cnic)),
    ]);
    const byEmail = await db.query('SELECT person_id FROM exposure.persons WHERE email_bidx = $1', [
      indexer.index('email', 'ayesha.siddiqui@example.pk'),
    ]);
    expect(byCnic.rows).toEqual([{ person_id: a1?.person_id }]);
    expect(byEmail.rows).toEqual([{ person_id: a1?.person_id }]);
  });

  it('reports every bad row with its line and reason, masks the values, and loads the good rows', async () => {
    const holder = { id: id('H1'), cnic: cnic(), name: 'Omar Farooq', msisdn: msisdn() };
    await importFile({ kind: 'subscribers', file: await subscribersFile('holder.csv', [holder]) });

    const shared = msisdn();
    const good = { id: id('G1'), cnic: cnic(), name: 'Sana Malik', msisdn: msisdn() };
    const text = [
      SUBSCRIBERS_HEADER,
      subscriberLine(good), // line 2
      subscriberLine({ id: id('X1'), cnic: cnic(), name: 'Bad Msisdn', msisdn: '042-35761234' }), // 3
      subscriberLine({ id: id('X2'), cnic: '35202-12345', name: 'Bad Cnic', msisdn: msisdn() }), // 4
      subscriberLine({ id: id('X3'), cnic: cnic(), name: 'Bad Region', msisdn: msisdn(), region: 'ATLANTIS' }), // 5
      `${id('X4')},${cnic()},"Two`, // 6: a quoted name spanning lines 6-7
      `Lines",${msisdn()},,en,PUNJAB,CONSUMER,ACTIVE`,
      subscriberLine({ id: id('C1'), cnic: cnic(), name: 'First Holder', msisdn: shared }), // 8
      subscriberLine({ id: id('C2'), cnic: cnic(), name: 'Second Holder', msisdn: shared }), // 9
      subscriberLine({ id: id('C3'), cnic: cnic(), name: 'Thief', msisdn: holder.msisdn }), // 10
      `${id('X5')},too,few`, // 11
      subscriberLine({ id: id('G2'), cnic: cnic(), name: 'Former Holder', msisdn: holder.msisdn, status: 'FORMER' }), // 12
    ].join('\n');
    const summary = await importFile({ kind: 'subscribers', file: await file('mixed.csv', text) });

    expect(summary).toMatchObject({ rowsRead: 10, inserted: 3, updated: 0, rejected: 7 });
    const rejects = await rejectsOf(summary);
    const byLine = new Map(rejects.map((line) => [Number(line.split(',')[0]), line]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 9, 10, 11]);
    expect(byLine.get(3)).toContain('INVALID_MSISDN');
    expect(byLine.get(4)).toContain('INVALID_CNIC');
    expect(byLine.get(5)).toMatch(/UNKNOWN_VALUE.*unknown region 'ATLANTIS'/);
    expect(byLine.get(6)).toMatch(/INVALID_TEXT.*line break/);
    expect(byLine.get(9)).toMatch(new RegExp(`NUMBER_IN_USE.*${id('C1')} on line 8`));
    expect(byLine.get(10)).toMatch(new RegExp(`NUMBER_IN_USE.*${id('H1')} in the directory`));
    expect(byLine.get(11)).toMatch(/FIELD_COUNT.*has 3 fields, the header has 9/);
    expect(rejects).toHaveLength(7);
    // Neither the report nor stderr repeats a rejected identifier.
    const output = rejects.join('\n') + logged.join('\n');
    for (const secret of ['3576123', '35202-12345', '3520212345', 'Two\nLines']) expect(output).not.toContain(secret);
    expect(logged.some((line) => line.startsWith('mixed.csv:3: INVALID_MSISDN'))).toBe(true);

    // The good rows landed; the directory's holder kept its number; the losers are absent.
    expect(await subscriberRow(id('G1'))).toBeDefined();
    expect((await subscriberRow(id('C1')))?.account_status).toBe(AccountStatus.Active);
    expect((await subscriberRow(id('G2')))?.account_status).toBe(AccountStatus.Former);
    for (const rejected of ['X1', 'X2', 'X3', 'X4', 'C2', 'C3', 'X5'])
      expect(await subscriberRow(id(rejected))).toBeUndefined();
    const holders = await db.query(
      'SELECT subscriber_id FROM exposure.subscribers WHERE msisdn_bidx = $1 AND account_status <> 3',
      [indexer.index('msisdn', normalizeMsisdn(holder.msisdn))],
    );
    expect(holders.rows).toEqual([{ subscriber_id: id('H1') }]);
  });

  it('keeps the last line of a repeated subscriber_id and reports the earlier one', async () => {
    const person = { cnic: cnic(), name: 'Twice Listed' };
    const number = msisdn();
    const summary = await importFile({
      kind: 'subscribers',
      file: await subscribersFile('twice.csv', [
        { id: id('D1'), ...person, msisdn: number, region: 'SINDH' },
        { id: id('D2'), cnic: cnic(), name: 'Someone Else', msisdn: msisdn() },
        { id: id('D1'), ...person, msisdn: number, region: 'BALOCHISTAN' },
      ]),
    });
    expect(summary).toMatchObject({ rowsRead: 3, inserted: 2, rejected: 1 });
    expect(await rejectsOf(summary)).toEqual([
      `2,${id('D1')},subscriber_id,DUPLICATE_KEY,"subscriber_id: appears again on line 4, the last line wins"`,
    ]);
    expect((await subscriberRow(id('D1')))?.region).toBe(Region.BALOCHISTAN);
  });

  it('rejects holdings of unknown assets or subscribers by line and loads the rest', async () => {
    const asset = id('crm.subscribers');
    const assets = await importFile({
      kind: 'assets',
      file: await file(
        'assets.csv',
        `asset_id,owning_system,categories,description\n${asset},crm,NAME|CNIC|MSISDN,"Customer master, all SIMs"\n` +
          `${id('bad.asset')},crm,NAME|SHOE_SIZE,\n`,
      ),
    });
    expect(assets).toMatchObject({ rowsRead: 2, inserted: 1, rejected: 1 });
    const stored = await db.query('SELECT categories, description FROM exposure.assets WHERE asset_id = $1', [asset]);
    expect(stored.rows).toEqual([
      {
        categories: (1 << PiiCategory.NAME) | (1 << PiiCategory.CNIC) | (1 << PiiCategory.MSISDN),
        description: 'Customer master, all SIMs',
      },
    ]);

    const owner = { id: id('HO1'), cnic: cnic(), name: 'Hina Butt', msisdn: msisdn() };
    await importFile({ kind: 'subscribers', file: await subscribersFile('owner.csv', [owner]) });
    const text = [
      HOLDINGS_HEADER,
      `${asset},${owner.id},PUNJAB,2023-01-01T00:00:00Z,2023-03-31T23:59:59Z`, // 2
      `${id('no.such.asset')},${owner.id},PUNJAB,2023-01-01,`, // 3
      `${asset},${id('nobody')},PUNJAB,2023-01-01,`, // 4
      `${asset},${owner.id},PUNJAB,2023-03-01,2023-01-01`, // 5: ends before it starts
    ].join('\n');
    const summary = await importFile({ kind: 'holdings', file: await file('holdings.csv', text) });
    expect(summary).toMatchObject({ rowsRead: 4, inserted: 1, rejected: 3 });
    const rejects = await rejectsOf(summary);
    expect(rejects.map((line) => line.split(',').slice(0, 5).join(','))).toEqual([
      '5,' + `${asset}/${owner.id},records_to,INVALID_RANGE,records_to: is before records_from`,
      '3,' +
        `${id('no.such.asset')}/${owner.id},asset_id,UNKNOWN_ASSET,asset_id: is not in the inventory (import assets.csv first)`,
      '4,' +
        `${asset}/${id('nobody')},subscriber_id,UNKNOWN_SUBSCRIBER,subscriber_id: is not in the directory (import subscribers.csv first)`,
    ]);
    const holdings = await db.query('SELECT records_from, records_to FROM exposure.holdings WHERE subscriber_id = $1', [
      owner.id,
    ]);
    expect(holdings.rows).toEqual([
      { records_from: new Date('2023-01-01T00:00:00Z'), records_to: new Date('2023-03-31T23:59:59Z') },
    ]);
  });

  it('changes nothing when the same files are imported again', async () => {
    const asset = id('billing.invoices');
    await importFile({
      kind: 'assets',
      file: await file(
        'assets-again.csv',
        `asset_id,owning_system,categories,description\n${asset},billing,NAME|EMAIL,\n`,
      ),
    });
    const rows: SubscriberLine[] = [
      { id: id('R1'), cnic: cnic(), name: 'Zainab Qureshi', msisdn: msisdn(), email: 'zainab@example.pk' },
      { id: id('R2'), cnic: cnic(), name: 'Imran Awan', msisdn: msisdn(), status: 'FORMER' },
    ];
    const subscribers = await subscribersFile('again.csv', rows);
    const holdings = await file(
      'holdings-again.csv',
      [HOLDINGS_HEADER, ...rows.map((row) => `${asset},${row.id},PUNJAB,2020-05-01,`)].join('\n'),
    );
    await importFile({ kind: 'subscribers', file: subscribers });
    await importFile({ kind: 'holdings', file: holdings });
    const snapshot = async () => ({
      subscribers: (
        await db.query('SELECT * FROM exposure.subscribers WHERE subscriber_id = ANY($1) ORDER BY 1', [
          rows.map((r) => r.id),
        ])
      ).rows,
      holdings: (await db.query('SELECT * FROM exposure.holdings WHERE asset_id = $1 ORDER BY 2', [asset])).rows,
      assets: (await db.query('SELECT * FROM exposure.assets WHERE asset_id = $1', [asset])).rows,
      persons: (
        await db.query<{
          person_id: string;
          cnic_enc: Buffer;
          name_enc: Buffer;
          email_bidx: Buffer | null;
          language: string;
        }>(
          'SELECT p.* FROM exposure.persons p JOIN exposure.subscribers s USING (person_id) WHERE s.subscriber_id = ANY($1) ORDER BY s.subscriber_id',
          [rows.map((r) => r.id)],
        )
      ).rows.map((p) => ({
        personId: p.person_id,
        cnicEnc: p.cnic_enc,
        name: cipher.decrypt(p.name_enc),
        emailBidx: p.email_bidx,
        language: p.language,
      })),
    });
    const before = await snapshot();

    const again = await importFile({ kind: 'subscribers', file: subscribers });
    const holdingsAgain = await importFile({ kind: 'holdings', file: holdings });
    const assetsAgain = await importFile({
      kind: 'assets',
      file: await file(
        'assets-again.csv',
        `asset_id,owning_system,categories,description\n${asset},billing,NAME|EMAIL,\n`,
      ),
    });

    expect(again).toMatchObject({
      rowsRead: 2,
      inserted: 0,
      updated: 0,
      unchanged: 2,
      rejected: 0,
      persons: { inserted: 0 },
    });
    expect(holdingsAgain).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect(assetsAgain).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await snapshot()).toEqual(before);
  });

  it('applies an update file (moves, recycled number, new name) without touching other rows', async () => {
    const [alia, babar, chand, dua] = [cnic(), cnic(), cnic(), cnic()];
    const numbers = { u1: msisdn(), u2: msisdn(), u3: msisdn(), u4: msisdn(), fresh: msisdn() };
    const initial: SubscriberLine[] = [
      { id: id('U1'), cnic: alia, name: 'Alia Raza', msisdn: numbers.u1, email: 'alia@example.pk', region: 'SINDH' },
      { id: id('U2'), cnic: babar, name: 'Babar Iqbal', msisdn: numbers.u2 },
      { id: id('U3'), cnic: chand, name: 'Chand Bibi', msisdn: numbers.u3 },
      { id: id('U4'), cnic: dua, name: 'Dua Hashmi', msisdn: numbers.u4 },
    ];
    await importFile({ kind: 'subscribers', file: await subscribersFile('initial.csv', initial) });
    const untouched = await subscriberRow(id('U4'));
    const u1Before = await subscriberRow(id('U1'));

    const update: SubscriberLine[] = [
      // Alia moves to Punjab, marries and changes her name; no email on this row: the stored one stays.
      { id: id('U1'), cnic: alia, name: 'Alia Raza Khan', msisdn: numbers.u1, region: 'PUNJAB' },
      // Babar leaves; his number goes to a new subscriber of another person (listed before him: order is free).
      { id: id('U5'), cnic: chand, name: 'Chand Bibi', msisdn: numbers.u2, lineType: 'MACHINE_TO_MACHINE' },
      { id: id('U2'), cnic: babar, name: 'Babar Iqbal', msisdn: numbers.u2, status: 'FORMER' },
      // Chand changes number.
      { id: id('U3'), cnic: chand, name: 'Chand Bibi', msisdn: numbers.fresh },
      // Someone tries to take Dua's number: rejected, Dua keeps it.
      { id: id('U6'), cnic: cnic(), name: 'Intruder', msisdn: numbers.u4 },
    ];
    const summary = await importFile({ kind: 'subscribers', file: await subscribersFile('update.csv', update) });

    expect(summary).toMatchObject({ rowsRead: 5, inserted: 1, updated: 3, unchanged: 0, rejected: 1 });
    expect(await rejectsOf(summary)).toEqual([
      expect.stringMatching(new RegExp(`^6,${id('U6')},msisdn,NUMBER_IN_USE,`)),
    ]);
    const u1 = await subscriberRow(id('U1'));
    expect(u1?.region).toBe(Region.PUNJAB);
    expect(u1?.msisdn_enc).toEqual(u1Before?.msisdn_enc); // same number: same envelope
    const alias = await personRow(u1?.person_id as string);
    expect(cipher.decrypt(alias?.name_enc as Buffer)).toBe('Alia Raza Khan');
    expect(cipher.decrypt(alias?.email_enc as Buffer)).toBe('alia@example.pk');
    expect((await subscriberRow(id('U2')))?.account_status).toBe(AccountStatus.Former);
    const u5 = await subscriberRow(id('U5'));
    expect([u5?.account_status, u5?.line_type]).toEqual([AccountStatus.Active, LineType.MACHINE_TO_MACHINE]);
    expect(u5?.person_id).toBe((await subscriberRow(id('U3')))?.person_id);
    expect(cipher.decrypt((await subscriberRow(id('U3')))?.msisdn_enc as Buffer)).toBe(normalizeMsisdn(numbers.fresh));
    expect(await subscriberRow(id('U4'))).toEqual(untouched);
    expect(await subscriberRow(id('U6'))).toBeUndefined();
  });

  it('lets two subscribers swap numbers in one file, across merge chunks too', async () => {
    const [m1, m2] = [msisdn(), msisdn()];
    const people = [cnic(), cnic()] as const;
    await importFile({
      kind: 'subscribers',
      file: await subscribersFile('swap-before.csv', [
        { id: id('W1'), cnic: people[0], name: 'Waqas One', msisdn: m1 },
        { id: id('W2'), cnic: people[1], name: 'Waqas Two', msisdn: m2 },
      ]),
    });
    const swap = await importFile({
      kind: 'subscribers',
      file: await subscribersFile('swap.csv', [
        { id: id('W1'), cnic: people[0], name: 'Waqas One', msisdn: m2 },
        { id: id('W2'), cnic: people[1], name: 'Waqas Two', msisdn: m1 },
      ]),
    });
    expect(swap).toMatchObject({ updated: 2, rejected: 0 });
    expect(cipher.decrypt((await subscriberRow(id('W1')))?.msisdn_enc as Buffer)).toBe(normalizeMsisdn(m2));

    logged.length = 0;
    // One row per chunk: each chunk is checked against what the previous ones committed. Kiran's claim on line 2
    // meets Waqas Two still holding the number and is rejected; once line 3 made him FORMER, line 4 may take it.
    const chunked = await importFile({
      kind: 'subscribers',
      chunkRows: 1,
      file: await subscribersFile('chunked.csv', [
        { id: id('K1'), cnic: cnic(), name: 'Kiran One', msisdn: m1 },
        { id: id('W2'), cnic: people[1], name: 'Waqas Two', msisdn: m1, status: 'FORMER' },
        { id: id('K2'), cnic: cnic(), name: 'Kiran Two', msisdn: m1 },
      ]),
    });
    expect(chunked).toMatchObject({ rowsRead: 3, inserted: 1, updated: 1, rejected: 1 });
    expect(await rejectsOf(chunked)).toEqual([
      expect.stringMatching(new RegExp(`^2,${id('K1')},msisdn,NUMBER_IN_USE,.*${id('W2')} in the directory`)),
    ]);
    expect((await subscriberRow(id('K2')))?.account_status).toBe(AccountStatus.Active);
    expect(logged.filter((line) => line.startsWith('[import] chunk'))).toHaveLength(3);
  });

  it('imports a scope list once, as hex blind indexes, and refuses another file under the same id', async () => {
    const numbers = [msisdn(), msisdn()];
    const text = `${numbers[0]}\n+92 ${normalizeMsisdn(numbers[1] as string).slice(3, 6)} ${normalizeMsisdn(numbers[1] as string).slice(6)}\n${numbers[0]}\n042-35761234\n\n`;
    const path = await file('list.txt', text);
    const listId = id('INC-1.msisdns');
    const summary = await importFile({ kind: 'scope-list', file: path, list: { listId, kind: 'msisdns' } });

    const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    expect(summary.scopeList).toEqual({
      listId,
      kind: 'msisdns',
      sha256,
      entries: 2,
      duplicates: 1,
      notInDirectory: 2,
      alreadyImported: false,
    });
    expect(summary).toMatchObject({ rowsRead: 4, rejected: 1 });
    expect(await rejectsOf(summary)).toEqual([expect.stringMatching(/^4,,msisdn,INVALID_MSISDN,/)]);
    const list = await db.query('SELECT sha256, kind, entries FROM exposure.scope_lists WHERE list_id = $1', [listId]);
    expect(list.rows).toEqual([{ sha256, kind: ListKind.MSISDNS, entries: 2 }]);
    const entries = await db.query('SELECT value FROM exposure.scope_list_entries WHERE list_id = $1 ORDER BY value', [
      listId,
    ]);
    expect(entries.rows.map((row: { value: string }) => row.value)).toEqual(
      numbers.map((number) => indexer.indexHex('msisdn', normalizeMsisdn(number))).sort(),
    );

    const again = await importFile({ kind: 'scope-list', file: path, list: { listId, kind: 'msisdns' } });
    expect(again.scopeList).toMatchObject({ alreadyImported: true, entries: 2, sha256 });
    await expect(
      importFile({
        kind: 'scope-list',
        file: await file('other.txt', `${numbers[0]}\n`),
        list: { listId, kind: 'msisdns' },
      }),
    ).rejects.toMatchObject({ code: ImportErrorCode.ListIdTaken });

    await importFile({
      kind: 'subscribers',
      file: await subscribersFile('listed.csv', [{ id: id('L1'), cnic: cnic(), name: 'Listed One', msisdn: msisdn() }]),
    });
    const ids = await importFile({
      kind: 'scope-list',
      file: await file('ids.txt', `${id('L1')}\n${id('ghost')}\n`),
      list: { listId: id('INC-1.ids'), kind: 'subscriber-ids' },
    });
    expect(ids.scopeList).toMatchObject({ entries: 2, notInDirectory: 1 });
    await expect(
      importFile({
        kind: 'scope-list',
        file: await file('bad.txt', 'not a number\n'),
        list: { listId: id('empty'), kind: 'msisdns' },
      }),
    ).rejects.toMatchObject({ code: ImportErrorCode.EmptyList });
  });

  it('fails without touching the directory when the header is wrong', async () => {
    await expect(
      importFile({
        kind: 'subscribers',
        file: await file(
          'no-header.csv',
          subscriberLine({ id: id('N1'), cnic: cnic(), name: 'No Header', msisdn: msisdn() }),
        ),
      }),
    ).rejects.toMatchObject({ code: ImportErrorCode.InvalidHeader });
    expect(await subscriberRow(id('N1'))).toBeUndefined();
  });

  describe('the CLI', () => {
    const exec = promisify(execFile);
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      exec(process.execPath, ['-r', '@swc-node/register', join(__dirname, '..', 'cli', 'import.ts'), ...args], {
        cwd: join(__dirname, '..', '..', '..', '..'),
        env: { PATH: process.env.PATH, DATABASE_URL: TEST_DATABASE_URL, ...env },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    it('exits 0 with a summary when the file was processed, even with rejects', async () => {
      const path = await file(
        'cli-assets.csv',
        `asset_id,owning_system,categories,description\n${id('cli.asset')},crm,NAME,\n${id('cli.bad')},crm,,\n`,
      );
      const result = await cli(['assets', path]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/rows read +2/);
      expect(result.stdout).toMatch(/rejected +1 \(see .*cli-assets\.csv\.rejects\.csv\)/);
      expect(result.stdout).toMatch(/rows\/s/);
      expect(result.stderr).toContain('cli-assets.csv:3: MISSING_VALUE');
    });

    it('exits 2 on a usage error and 1 when the import cannot run', async () => {
      expect((await cli(['people', 'x.csv'])).code).toBe(2);
      expect((await cli(['assets', join(dir, 'missing.csv')])).code).toBe(2);
      const noKeys = await cli(['subscribers', await subscribersFile('cli-subs.csv', [])]);
      expect(noKeys.code).toBe(1);
      expect(noKeys.stderr).toContain('PII_ENCRYPTION_KEYS');
    });
  });
});
