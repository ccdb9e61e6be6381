import { Client } from 'pg';
import { TEST_DATABASE_URL } from '@bnp/testing';
import { IDS_PER_STATEMENT, uuidV7Prefix, uuidV7Sql } from './time-ordered-ids';

describe('uuidV7Sql in PostgreSQL', () => {
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  beforeAll(() => db.connect());
  afterAll(() => db.end());

  it("numbers a statement's rows with distinct version 7 ids, in row order, carrying the prefix's time", async () => {
    const at = Date.now();
    const { rows } = await db.query<{ n: string; id: string }>(
      `SELECT n, ${uuidV7Sql('$1', 'row_number() OVER (ORDER BY n)')} AS id
       FROM generate_series(1, 3000) AS n ORDER BY n`,
      [uuidV7Prefix(at)],
    );

    const ids = rows.map((row) => row.id);
    expect(new Set(ids).size).toBe(3000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of [ids[0]!, ids[2999]!]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    }
  });

  it('fails rather than repeat an id when a statement has more rows than the counter holds', async () => {
    await expect(
      db.query(`SELECT ${uuidV7Sql('$1', '$2::bigint')} AS id`, [uuidV7Prefix(), IDS_PER_STATEMENT]),
    ).rejects.toThrow(/invalid input syntax for type uuid/);
  });
});
