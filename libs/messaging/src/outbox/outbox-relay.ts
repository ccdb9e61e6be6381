import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { NotifiedLoop } from '@bnp/persistence';
import { RenewingProducer } from '../renewing-producer';
import { outboxChannel } from './outbox-sql';

export interface OutboxRelayOptions {
  pool: Pool;
  kafka: Kafka;
  schema: string;
  logger: Logger;
  batchSize?: number;
  /** Fallback poll when no notification arrives (ms). */
  pollIntervalMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes a service's outbox to Kafka in id order and deletes what the broker acknowledged.
 *
 * It never keeps an "id > last published" cursor: ids are handed out before commit, so a transaction
 * that commits late can hold a smaller id than rows already published. Reading the head of a table
 * that only holds unpublished rows picks such a row up on the next pass. One relay per schema runs at
 * a time (a PostgreSQL advisory lock), which keeps per-key order. Delivery is at least once: a crash
 * between the broker's ack and the delete republishes the batch, and consumers are idempotent.
 */
export class OutboxRelay {
  private producer?: RenewingProducer;
  private readonly loop: NotifiedLoop;
  private readonly log: Logger;
  published = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger.child({ component: 'outbox-relay', schema: options.schema });
    this.loop = new NotifiedLoop({
      pool: options.pool,
      channel: outboxChannel(options.schema),
      leaderLock: `outbox:${options.schema}`,
      idleMs: options.pollIntervalMs ?? 1000,
      logger: this.log,
      pass: () => this.publishBatch(),
    });
  }

  async start(): Promise<void> {
    this.producer = new RenewingProducer(this.options.kafka, this.log);
    await this.producer.connect();
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.producer?.disconnect();
  }

  /** Publishes until the outbox is empty; for tests and benchmarks that need a settled state. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.publishBatch();
      total += count;
      if (count === 0) return total;
    }
  }

  private async publishBatch(): Promise<number> {
    if (!this.producer) throw new Error('relay not started');
    const { schema } = this.options;
    const { rows } = await this.options.pool.query<OutboxRow>(
      `SELECT "id", "topic", "message_key", "payload", "headers" FROM "${schema}"."outbox" ORDER BY "id" LIMIT $1`,
      [this.options.batchSize ?? 2000],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push({ key: row.message_key, value: row.payload, headers: row.headers });
      byTopic.set(row.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    await this.options.pool.query(`DELETE FROM "${schema}"."outbox" WHERE "id" = ANY($1::bigint[])`, [
      rows.map((row) => row.id),
    ]);
    this.published += rows.length;
    return rows.length;
  }
}
