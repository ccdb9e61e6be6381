import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { NotifiedLoop } from '@bnp/persistence';
import { redactPiiInText } from '@bnp/pii';
import { RenewingProducer } from '../renewing-producer';
import { describeOutage } from '../outage/outage';
import { KnownTopics } from './known-topics';
import { registerOutboxMetrics } from './outbox-metrics';
import { outboxChannel } from './outbox-sql';
import { DEFAULT_POISON_ROW_POLICY, nextStepForFailedRow, type PoisonRowPolicy } from './poison-rows';

export interface OutboxRelayOptions {
  pool: Pool;
  kafka: Kafka;
  schema: string;
  logger: Logger;
  batchSize?: number;
  /** Fallback poll when no notification arrives (ms). */
  pollIntervalMs?: number;
  /** When and how rows the broker refuses are retried, then parked. */
  poisonRows?: PoisonRowPolicy;
  /** Where the outbox gauges are registered (outbox_unpublished_rows, ...). */
  registry?: Registry;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
  attempts: number;
}

const MAX_REASON_LENGTH = 1000;

/**
 * Publishes a service's outbox to Kafka in id order and deletes what the broker acknowledged.
 *
 * It never keeps an "id > last published" cursor: ids are handed out before commit, so a transaction that
 * commits late can hold a smaller id than rows already published. Reading the head of a table that only holds
 * unpublished rows picks such a row up on the next pass. One relay per schema runs at a time (a PostgreSQL
 * advisory lock), which keeps per-key order. Delivery is at least once: a crash between the broker's ack and the
 * delete republishes the batch, and consumers are idempotent.
 *
 * A batch the broker refuses is split in halves until the refused rows are alone; those wait out a doubling
 * delay (skipped by the head read meanwhile, so the rows behind them flow) and are parked in `outbox_parked`
 * with their reason after the last attempt. An outage (broker unreachable, PostgreSQL away) fails the pass and
 * counts against no row. See docs/adr/0015-outages-poison-rows-and-sealed-dead-letters.md.
 */
export class OutboxRelay {
  private producer?: RenewingProducer;
  private readonly loop: NotifiedLoop;
  private readonly log: Logger;
  private readonly topics: KnownTopics;
  private readonly policy: PoisonRowPolicy;
  published = 0;
  parked = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger.child({ component: 'outbox-relay', schema: options.schema });
    this.topics = new KnownTopics(options.kafka);
    this.policy = options.poisonRows ?? DEFAULT_POISON_ROW_POLICY;
    if (options.registry) registerOutboxMetrics(options.registry, options.pool, options.schema);
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
    await this.topics.close();
  }

  /** Publishes until nothing is due; for tests and benchmarks that need a settled state. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.publishBatch();
      total += count;
      if (count === 0) return total;
    }
  }

  /** One pass over the head of the outbox: how many rows it published or set aside. */
  private async publishBatch(): Promise<number> {
    const { schema } = this.options;
    const { rows } = await this.options.pool.query<OutboxRow>(
      `SELECT "id", "topic", "message_key", "payload", "headers", "attempts" FROM "${schema}"."outbox"
       WHERE "next_attempt_at" IS NULL OR "next_attempt_at" <= now() ORDER BY "id" LIMIT $1`,
      [this.options.batchSize ?? 2000],
    );
    if (rows.length === 0) return 0;
    const missing = await this.topics.missing(new Set(rows.map((row) => row.topic)));
    const sent: OutboxRow[] = [];
    try {
      for (const row of rows.filter((candidate) => missing.has(candidate.topic))) {
        await this.failed(row, `topic ${row.topic} does not exist`);
      }
      await this.publish(
        rows.filter((row) => !missing.has(row.topic)),
        sent,
      );
    } finally {
      // Whatever the broker acknowledged is deleted even when an outage ends the pass early.
      if (sent.length > 0) {
        await this.options.pool.query(`DELETE FROM "${schema}"."outbox" WHERE "id" = ANY($1::bigint[])`, [
          sent.map((row) => row.id),
        ]);
        this.published += sent.length;
      }
    }
    return rows.length;
  }

  /** Sends rows in id order; a refused batch is halved until the refused rows stand alone. */
  private async publish(rows: OutboxRow[], sent: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.producer) throw new Error('relay not started');
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: byTopic(rows) });
      sent.push(...rows);
      return;
    } catch (error) {
      if (describeOutage(error) !== undefined) throw error;
      if (rows.length === 1) return this.failed(rows[0]!, error instanceof Error ? error.message : String(error));
    }
    const middle = Math.ceil(rows.length / 2);
    await this.publish(rows.slice(0, middle), sent);
    await this.publish(rows.slice(middle), sent);
  }

  private async failed(row: OutboxRow, error: string): Promise<void> {
    const { schema } = this.options;
    const attempts = row.attempts + 1;
    const reason = redactPiiInText(error).slice(0, MAX_REASON_LENGTH);
    const step = nextStepForFailedRow(attempts, this.policy);
    const where = { id: row.id, topic: row.topic, attempts, reason };
    if (!step.park) {
      this.log.warn({ ...where, retryInMs: step.retryInMs }, 'outbox row refused by the broker; retried later');
      await this.options.pool.query(
        `UPDATE "${schema}"."outbox" SET "attempts" = $2, "last_error" = $3,
           "next_attempt_at" = now() + make_interval(secs => $4::float8 / 1000) WHERE "id" = $1`,
        [row.id, attempts, reason, step.retryInMs],
      );
      return;
    }
    this.log.error(where, 'outbox row parked after its last attempt; re-drive it with npm run dlt -- outbox');
    await this.options.pool.query(
      `WITH moved AS (DELETE FROM "${schema}"."outbox" WHERE "id" = $1 RETURNING *)
       INSERT INTO "${schema}"."outbox_parked"
         ("id", "topic", "message_key", "payload", "headers", "created_at", "attempts", "reason")
       SELECT "id", "topic", "message_key", "payload", "headers", "created_at", $2, $3 FROM moved`,
      [row.id, attempts, reason],
    );
    this.parked += 1;
  }
}

function byTopic(rows: OutboxRow[]) {
  const topics = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
  for (const row of rows) {
    const list = topics.get(row.topic) ?? [];
    list.push({ key: row.message_key, value: row.payload, headers: row.headers });
    topics.set(row.topic, list);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
