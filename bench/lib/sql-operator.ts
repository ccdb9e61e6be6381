import type { Client } from 'pg';

export const BENCH_ASSETS: { id: string; categories: string[]; coverage: number; window?: [string, string] }[] = [
  { id: 'crm.subscribers', categories: ['NAME', 'CNIC', 'MSISDN', 'POSTAL_ADDRESS', 'DATE_OF_BIRTH'], coverage: 1 },
  { id: 'billing.payment_methods', categories: ['NAME', 'BANK_ACCOUNT', 'PAYMENT_CARD'], coverage: 0.7 },
  { id: 'billing.invoices', categories: ['NAME', 'POSTAL_ADDRESS', 'MSISDN'], coverage: 0.9 },
  {
    id: 'cdr.voice_2023q1',
    categories: ['MSISDN', 'CALL_RECORDS', 'LOCATION'],
    coverage: 0.8,
    window: ['2023-01-01', '2023-03-31'],
  },
  {
    id: 'cdr.data_2023q1',
    categories: ['MSISDN', 'LOCATION', 'IMEI'],
    coverage: 0.6,
    window: ['2023-01-01', '2023-03-31'],
  },
  { id: 'wallet.accounts', categories: ['CNIC', 'MOBILE_WALLET', 'MSISDN'], coverage: 0.25 },
  { id: 'selfcare.credentials', categories: ['EMAIL', 'CREDENTIALS'], coverage: 0.4 },
  { id: 'retail.biometric_verifications', categories: ['CNIC', 'BIOMETRIC'], coverage: 0.6 },
  { id: 'network.sim_inventory', categories: ['IMSI', 'ICCID', 'MSISDN'], coverage: 1 },
  { id: 'marketing.leads', categories: ['NAME', 'EMAIL', 'MSISDN'], coverage: 0.2 },
];

/**
 * Person number n's id, time-ordered as the import's are (UUIDv7: 48 bits of milliseconds, here 256 people to one,
 * then bits that keep them apart): ids increase in the order people are written, which is what the lookups notice.
 */
const personIdSql = (n: string) =>
  `(lpad(to_hex(1767225600000 + (${n}) / 256), 12, '0') || '7' || substr(md5('person' || (${n})), 1, 3) || '8' || substr(md5('person' || (${n})), 4, 15))::uuid`;

/**
 * Fills the exposure schema with a synthetic operator, set-based in PostgreSQL (seconds for millions of
 * rows). Distributions follow Pakistan (regions by population; ~8% of people with 2-3 SIMs; 5% former
 * customers). Personal data columns hold opaque bytes: the benchmark measures resolution, not crypto.
 * For realistic names, CNICs and numbers use tools/generate-operator with `npm run import`.
 */
export async function generateSqlOperator(
  db: Client,
  subscribers: number,
  categoryMask: (names: string[]) => number,
): Promise<void> {
  await db.query('TRUNCATE exposure.holdings, exposure.subscribers, exposure.persons, exposure.assets');
  // Person p owns subscriber ids p, plus p+offset for every 12th person (second SIM) and every 40th (third).
  // (g::bigint: g * 7919 overflows int from about 271,000 subscribers.)
  const people = Math.round(subscribers / 1.1);
  // The import writes each chunk's new people about in the order of their CNIC's blind index (its DISTINCT ON
  // sorts by it) and gives them time-ordered ids (UUIDv7, numbered in that order), so ids follow the rows' order on disk, and a
  // person's subscriptions (written in the file's order) are not beside them. person_order is that order, with
  // each person's id, which their subscriptions take from it.
  await db.query(
    `CREATE TEMP TABLE person_order AS
     SELECT g, n, ${personIdSql('n')} AS person_id
     FROM (SELECT g, row_number() OVER (ORDER BY md5('cnic' || g)) AS n FROM generate_series(1, $1::int) g) ranked`,
    [people],
  );
  await db.query(
    `INSERT INTO exposure.persons (person_id, cnic_bidx, cnic_enc, name_enc, email_enc, email_masked, language)
     SELECT o.person_id, decode(md5('cnic' || g), 'hex'), decode(md5('c' || g), 'hex'), decode(md5('n' || g), 'hex'),
            CASE WHEN g % 10 < 3 THEN decode(md5('e' || g), 'hex') END, CASE WHEN g % 10 < 3 THEN 'a***@e****.pk' END,
            CASE WHEN g % 5 < 3 THEN 'ur' ELSE 'en' END
     FROM person_order o ORDER BY o.n`,
  );
  await db.query(
    `INSERT INTO exposure.subscribers (subscriber_id, person_id, msisdn_enc, msisdn_bidx, msisdn_masked, region, line_type, account_status)
     SELECT 'S' || g, person_id,
            decode(md5('m' || g), 'hex'), decode(md5('msisdn' || g), 'hex'), '+92 3** *** **' || lpad((g % 100)::text, 2, '0'),
            CASE WHEN r < 53 THEN 1 WHEN r < 76 THEN 2 WHEN r < 90 THEN 3 WHEN r < 96 THEN 4 WHEN r < 97 THEN 5 WHEN r < 98 THEN 6 ELSE 7 END,
            CASE WHEN g % 50 = 0 THEN 2 WHEN g % 100 = 1 THEN 3 ELSE 1 END,
            CASE WHEN g % 20 = 0 THEN 3 ELSE 1 END
     FROM (SELECT s.g, (hashtext('region' || s.g) & 2147483647) % 100 AS r, o.person_id
           FROM generate_series(1, $1::int) s(g)
           JOIN person_order o ON o.g = CASE WHEN s.g <= $2 THEN s.g ELSE 1 + (s.g::bigint * 7919) % $2 END) s
     ORDER BY g`,
    [subscribers, people],
  );
  for (const asset of BENCH_ASSETS) {
    await db.query('INSERT INTO exposure.assets (asset_id, owning_system, categories) VALUES ($1, $2, $3)', [
      asset.id,
      asset.id.split('.')[0],
      categoryMask(asset.categories),
    ]);
    const [from, to] = asset.window ?? ['2018-01-01', null];
    await db.query(
      `INSERT INTO exposure.holdings (asset_id, subscriber_id, region, records_from, records_to)
       SELECT $1, s.subscriber_id, s.region, $3::timestamptz + ((hashtext(s.subscriber_id) & 255) || ' hours')::interval, $4::timestamptz
       FROM exposure.subscribers s WHERE (hashtext($1 || s.subscriber_id) & 2147483647) % 1000 < $2`,
      [asset.id, Math.round(asset.coverage * 1000), from, to],
    );
  }
  await db.query('DROP TABLE person_order');
  await db.query('ANALYZE exposure.persons, exposure.subscribers, exposure.holdings, exposure.assets');
}
