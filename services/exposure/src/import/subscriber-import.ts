import type { ClientBase } from 'pg';
import { CipherWorkerPool, maskEmail, maskMsisdn } from '@bnp/pii';
import { AccountStatus } from '../directory/directory.enums';
import { uuidV7Prefix, uuidV7Sql } from '../ids/time-ordered-ids';
import { CopyValue } from './binary-copy';
import { ChunkResult, CsvImportHandler, Numbered } from './import-pipeline';
import { readStagedRejects } from './staged-rejects';
import {
  CsvHeader,
  RejectCode,
  RowResult,
  SUBSCRIBER_COLUMNS,
  SubscriberColumn,
  SubscriberRow,
  validateSubscriberRow,
} from './row-validation';
import { qualified, StagingTable } from './staging';
import { TABLES } from '../schema';

const STAGING: StagingTable = {
  name: 'import_subscribers',
  copyColumns: [
    { name: 'line', type: 'int4' },
    { name: 'subscriber_id', type: 'text' },
    { name: 'cnic_bidx', type: 'bytea' },
    { name: 'cnic_enc', type: 'bytea' },
    { name: 'name_enc', type: 'bytea' },
    { name: 'email_bidx', type: 'bytea' },
    { name: 'email_enc', type: 'bytea' },
    { name: 'email_masked', type: 'text' },
    { name: 'language', type: 'text' },
    { name: 'msisdn_bidx', type: 'bytea' },
    { name: 'msisdn_enc', type: 'bytea' },
    { name: 'msisdn_masked', type: 'text' },
    { name: 'region', type: 'int2' },
    { name: 'line_type', type: 'int2' },
    { name: 'account_status', type: 'int2' },
  ],
  // Set by an inventory change older than the person's last one: the subscription is written, the person is not.
  workColumns: ['keep_person boolean NOT NULL DEFAULT false'],
};

const T = qualified(STAGING);
const FORMER = AccountStatus.Former;

/** What encrypts and blind-indexes subscriber rows: the worker pool for files, an in-process cipher for one change. */
export type RowCipher = Pick<CipherWorkerPool, 'encryptAndIndexBatch'>;

/**
 * subscribers.csv: one row per SIM. Persons are grouped by CNIC (blind index); subscribers reference them.
 * CNIC, name, MSISDN and email are encrypted and blind-indexed on worker threads; plaintext never reaches the database.
 */
export class SubscriberImport implements CsvImportHandler<SubscriberColumn, SubscriberRow> {
  readonly columns = SUBSCRIBER_COLUMNS;
  readonly staging = STAGING;

  constructor(private readonly pool: RowCipher) {}

  validate(fields: readonly string[], header: CsvHeader<SubscriberColumn>): RowResult<SubscriberRow> {
    return validateSubscriberRow(fields, header);
  }

  async toStaging(rows: readonly Numbered<SubscriberRow>[]): Promise<CopyValue[][]> {
    // Envelopes carry no AAD: they travel unchanged into exposure.v1 events and are decrypted by the notifier,
    // which knows neither the blind index nor (at encryption time, nobody knows) the person id. See ADR 0008.
    // A person's SIMs usually sit next to each other: their CNIC, name and email are encrypted once per batch.
    const firstOfPerson = new Map<string, number>();
    const personSource = rows.map(({ row }, i) => {
      const key = `${row.cnic}\u0000${row.name}\u0000${row.email ?? ''}`;
      const first = firstOfPerson.get(key);
      if (first === undefined) firstOfPerson.set(key, i);
      return first ?? i;
    });
    const results = await this.pool.encryptAndIndexBatch(
      rows.map(({ row }, i) => {
        if (personSource[i] !== i)
          return { values: [row.msisdn], index: [{ kind: 'msisdn' as const, value: row.msisdn }] };
        return {
          values: row.email === null ? [row.msisdn, row.cnic, row.name] : [row.msisdn, row.cnic, row.name, row.email],
          index: [
            { kind: 'msisdn' as const, value: row.msisdn },
            { kind: 'cnic' as const, value: row.cnic },
            ...(row.email === null ? [] : [{ kind: 'email' as const, value: row.email }]),
          ],
        };
      }),
    );
    return rows.map(({ line, row }, i) => {
      const own = results[i];
      const person = results[personSource[i] ?? i];
      const [msisdnEnc] = own?.encrypted ?? [];
      const [msisdnBidx] = own?.indexes ?? [];
      const [, cnicEnc, nameEnc, emailEnc] = person?.encrypted ?? [];
      const [, cnicBidx, emailBidx] = person?.indexes ?? [];
      if (!msisdnEnc || !msisdnBidx || !cnicEnc || !nameEnc || !cnicBidx) {
        throw new Error(`encryption returned an incomplete result for line ${line}`);
      }
      return [
        line,
        row.subscriberId,
        cnicBidx,
        cnicEnc,
        nameEnc,
        emailBidx ?? null,
        emailEnc ?? null,
        row.email === null ? null : maskEmail(row.email),
        row.language,
        msisdnBidx,
        msisdnEnc,
        maskMsisdn(row.msisdn),
        row.region,
        row.lineType,
        row.accountStatus,
      ];
    });
  }

  /**
   * For a change older than its person's last one (inventory changes, never files): the staged rows' persons keep their
   * stored name, email and language. A person not stored yet is still created, or its subscription would have none.
   */
  async keepStoredPersons(db: ClientBase): Promise<void> {
    await db.query(
      `UPDATE ${T} s SET keep_person = true WHERE EXISTS (SELECT 1 FROM ${TABLES.persons} p WHERE p.cnic_bidx = s.cnic_bidx)`,
    );
  }

  async mergeChunk(db: ClientBase): Promise<ChunkResult> {
    // Each pass can only add rejects (a rejected update leaves the directory's row in place, which may in turn
    // contest another number), so this stops; real files need one pass, a swap chain a few.
    while (((await db.query(REJECT_NUMBER_CONFLICTS_SQL)).rowCount ?? 0) > 0);
    const persons = await db.query<{ inserted: number; updated: number }>(UPSERT_PERSONS_SQL, [uuidV7Prefix()]);
    const counts = await db.query<{ inserted: number; updated: number; accepted: number }>(COUNT_CHANGES_SQL);
    await db.query(RELEASE_NUMBERS_SQL);
    await db.query(UPSERT_SUBSCRIBERS_SQL);
    const { inserted = 0, updated = 0, accepted = 0 } = counts.rows[0] ?? {};
    return {
      inserted,
      updated,
      unchanged: accepted - inserted - updated,
      persons: persons.rows[0] ?? { inserted: 0, updated: 0 },
      rejects: await readStagedRejects(db, T, 'subscriber_id'),
    };
  }
}

/**
 * UQ_subscribers_current_holder allows one subscriber that is not FORMER per MSISDN. Contenders for a number are the
 * directory's current holder (unless this chunk replaces that row) and the chunk's rows that are not FORMER. The
 * winner is, in order: the directory's holder whose row stays; a row of the chunk for the subscriber that already
 * holds the number; the earliest line. Every other contender from the chunk is rejected, so the merge cannot fail
 * on the index and a number is never silently taken from its holder. `candidates` is a cheap superset of the
 * contested numbers (usually empty), so the ranking runs on a handful of rows, not on the whole chunk.
 */
const REJECT_NUMBER_CONFLICTS_SQL = `
WITH claims AS (
  SELECT line, subscriber_id, msisdn_bidx FROM ${T} WHERE reject_code IS NULL AND account_status <> ${FORMER}
),
candidates AS (
  SELECT msisdn_bidx FROM claims GROUP BY msisdn_bidx HAVING count(*) > 1
  UNION
  SELECT c.msisdn_bidx FROM claims c
  JOIN ${TABLES.subscribers} d ON d.msisdn_bidx = c.msisdn_bidx AND d.account_status <> ${FORMER}
  WHERE d.subscriber_id <> c.subscriber_id
),
contenders AS (
  SELECT d.msisdn_bidx, d.subscriber_id, NULL::int AS line, 0 AS priority
  FROM ${TABLES.subscribers} d JOIN candidates USING (msisdn_bidx)
  WHERE d.account_status <> ${FORMER}
    AND NOT EXISTS (SELECT 1 FROM ${T} s WHERE s.subscriber_id = d.subscriber_id AND s.reject_code IS NULL)
  UNION ALL
  SELECT c.msisdn_bidx, c.subscriber_id, c.line,
         CASE WHEN EXISTS (SELECT 1 FROM ${TABLES.subscribers} d
                           WHERE d.subscriber_id = c.subscriber_id AND d.msisdn_bidx = c.msisdn_bidx
                             AND d.account_status <> ${FORMER}) THEN 1 ELSE 2 END
  FROM claims c JOIN candidates USING (msisdn_bidx)
),
ranked AS (
  SELECT line,
         first_value(subscriber_id) OVER w AS winner_id,
         first_value(line) OVER w AS winner_line,
         row_number() OVER w AS rank
  FROM contenders
  WINDOW w AS (PARTITION BY msisdn_bidx ORDER BY priority, line)
)
UPDATE ${T} s
SET reject_code = '${RejectCode.NumberInUse}',
    reject_reason = CASE WHEN r.winner_line IS NULL
      THEN 'is held by current subscriber ' || r.winner_id
           || ' in the directory; import that subscriber as FORMER (or with its new number) first'
      ELSE 'is also held by current subscriber ' || r.winner_id || ' on line ' || r.winner_line
           || '; only one subscriber that is not FORMER may hold a number'
    END
FROM ranked r
WHERE r.rank > 1 AND r.line = s.line`;

/**
 * One person per CNIC blind index. The latest line of the chunk gives the name and language; the latest line with an
 * email gives the email, and a row without one never erases a stored email (SIM rows of one person often carry it on
 * one account only). A new person gets a time-ordered id (UUIDv7, one prefix per chunk and a counter: `uuidV7Sql`),
 * so people imported together are neighbours in the persons index, which the fan-out's lookups walk in id order
 * (ADR 20); an existing one keeps its id and its CNIC envelope. The name cannot be compared without decrypting, so
 * existing persons are always rewritten (see ADR 0008). Rows marked keep_person (never from a file) leave their
 * existing person as it is.
 */
const UPSERT_PERSONS_SQL = `
WITH latest AS (
  SELECT DISTINCT ON (cnic_bidx) cnic_bidx, cnic_enc, name_enc, language
  FROM ${T} WHERE reject_code IS NULL AND NOT keep_person
  ORDER BY cnic_bidx, line DESC
),
latest_email AS (
  SELECT DISTINCT ON (cnic_bidx) cnic_bidx, email_enc, email_bidx, email_masked
  FROM ${T} WHERE reject_code IS NULL AND email_bidx IS NOT NULL AND NOT keep_person
  ORDER BY cnic_bidx, line DESC
),
upserted AS (
  INSERT INTO ${TABLES.persons} AS p
    (person_id, cnic_bidx, cnic_enc, name_enc, email_enc, email_bidx, email_masked, language, updated_at)
  SELECT ${uuidV7Sql('$1', 'row_number() OVER ()')}, l.cnic_bidx, l.cnic_enc, l.name_enc, e.email_enc, e.email_bidx, e.email_masked, l.language, now()
  FROM latest l LEFT JOIN latest_email e USING (cnic_bidx)
  ON CONFLICT (cnic_bidx) DO UPDATE SET
    name_enc = excluded.name_enc,
    email_enc = CASE WHEN excluded.email_bidx IS NULL OR excluded.email_bidx = p.email_bidx
                     THEN p.email_enc ELSE excluded.email_enc END,
    email_bidx = coalesce(excluded.email_bidx, p.email_bidx),
    email_masked = CASE WHEN excluded.email_bidx IS NULL THEN p.email_masked ELSE excluded.email_masked END,
    language = excluded.language,
    updated_at = now()
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
FROM upserted`;

/** Read-only, before anything is written: which accepted rows are new, which change the directory. */
const COUNT_CHANGES_SQL = `
SELECT count(*) FILTER (WHERE d.subscriber_id IS NULL)::int AS inserted,
       count(*) FILTER (WHERE d.subscriber_id IS NOT NULL
         AND (d.person_id, d.msisdn_bidx, d.region, d.line_type, d.account_status)
             <> (p.person_id, s.msisdn_bidx, s.region, s.line_type, s.account_status))::int AS updated,
       count(*)::int AS accepted
FROM ${T} s
JOIN ${TABLES.persons} p ON p.cnic_bidx = s.cnic_bidx
LEFT JOIN ${TABLES.subscribers} d ON d.subscriber_id = s.subscriber_id
WHERE s.reject_code IS NULL`;

/**
 * Unique indexes are checked row by row, so an upsert in which one subscriber gives up a number another takes (a
 * recycled number, a swap) could fail half-way depending on row order. Taking those rows out of the partial index
 * first, in the same transaction, makes the order irrelevant; the upsert then writes their final state (a row whose
 * only change is becoming FORMER is already final here).
 */
const RELEASE_NUMBERS_SQL = `
UPDATE ${TABLES.subscribers} d SET account_status = ${FORMER}, updated_at = now()
FROM ${T} s
WHERE s.reject_code IS NULL AND s.subscriber_id = d.subscriber_id AND d.account_status <> ${FORMER}
  AND (s.account_status = ${FORMER} OR s.msisdn_bidx <> d.msisdn_bidx)`;

/** Identical rows are skipped and an unchanged number keeps its envelope: a re-import leaves rows byte for byte. */
const UPSERT_SUBSCRIBERS_SQL = `
INSERT INTO ${TABLES.subscribers} AS d
  (subscriber_id, person_id, msisdn_enc, msisdn_bidx, msisdn_masked, region, line_type, account_status, updated_at)
SELECT s.subscriber_id, p.person_id, s.msisdn_enc, s.msisdn_bidx, s.msisdn_masked, s.region, s.line_type,
       s.account_status, now()
FROM ${T} s
JOIN ${TABLES.persons} p ON p.cnic_bidx = s.cnic_bidx
WHERE s.reject_code IS NULL
ON CONFLICT (subscriber_id) DO UPDATE SET
  person_id = excluded.person_id,
  msisdn_enc = CASE WHEN d.msisdn_bidx = excluded.msisdn_bidx THEN d.msisdn_enc ELSE excluded.msisdn_enc END,
  msisdn_bidx = excluded.msisdn_bidx,
  msisdn_masked = excluded.msisdn_masked,
  region = excluded.region,
  line_type = excluded.line_type,
  account_status = excluded.account_status,
  updated_at = now()
WHERE (d.person_id, d.msisdn_bidx, d.region, d.line_type, d.account_status)
   <> (excluded.person_id, excluded.msisdn_bidx, excluded.region, excluded.line_type, excluded.account_status)`;
