import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import { KafkaTestClient, TEST_DATABASE_URL, waitFor } from '@bnp/testing';
import { OutboxRelay } from './outbox-relay';
import { createOutboxTableSql } from './outbox-sql';

describe(OutboxRelay.name, () => {
  const schema = `outbox_it_${randomUUID().slice(0, 8)}`;
  const topic = `outbox.it.${randomUUID().slice(0, 8)}`;
  let pool: Pool;
  let client: KafkaTestClient;
  let relay: OutboxRelay;

  const insert = (runner: Pool | import('pg').PoolClient, key: string, value: string) =>
    runner.query(`INSERT INTO "${schema}"."outbox" ("topic", "message_key", "payload") VALUES ($1, $2, $3)`, [
      topic,
      key,
      Buffer.from(value),
    ]);

  beforeAll(async () => {
    pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 5 });
    await pool.query(`CREATE SCHEMA "${schema}"`);
    for (const statement of createOutboxTableSql(schema)) await pool.query(statement);
    client = new KafkaTestClient();
    const admin = client.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    await client.collect([topic]);
    relay = new OutboxRelay({
      pool,
      kafka: client.kafka,
      schema,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 200,
    });
    await relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await client?.close();
    await pool?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool?.end();
  });

  const values = () => client.messages(topic).map((message) => message.value?.toString());

  it('publishes a row whose transaction commits after a later row was already published', async () => {
    const slow = await pool.connect();
    await slow.query('BEGIN');
    await insert(slow, 'person-1', 'early id, late commit'); // takes the smaller id
    await insert(pool, 'person-2', 'later id, early commit');
    await waitFor(() => values().includes('later id, early commit'), 'the early commit published');
    expect(values()).not.toContain('early id, late commit');

    await slow.query('COMMIT');
    slow.release();
    await waitFor(() => values().includes('early id, late commit'), 'the late commit published');
    const { rows } = await pool.query(`SELECT count(*)::int AS left FROM "${schema}"."outbox"`);
    expect(rows[0].left).toBe(0);
  });

  it('keeps the order of messages with the same key', async () => {
    for (let batch = 0; batch < 5; batch++) {
      await pool.query(
        `INSERT INTO "${schema}"."outbox" ("topic", "message_key", "payload")
         SELECT $1, 'ordered-key', convert_to('seq-' || lpad(n::text, 4, '0'), 'UTF8') FROM generate_series($2::int, $3::int) AS n`,
        [topic, batch * 500, batch * 500 + 499],
      );
    }
    const ordered = () => client.messages(topic).filter((message) => message.key === 'ordered-key');
    await waitFor(() => ordered().length === 2500, '2500 ordered messages', { timeoutMs: 30000 });
    const sequence = ordered().map((message) => message.value!.toString());
    expect(sequence).toEqual([...sequence].sort());
  });
});
