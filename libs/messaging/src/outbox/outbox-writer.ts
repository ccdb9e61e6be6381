import type { EntityManager } from 'typeorm';

export interface OutboxMessage {
  topic: string;
  key: string;
  payload: Uint8Array;
  headers?: Record<string, string>;
}

/**
 * Appends messages to a service's outbox inside the caller's transaction: either the state change
 * and its announcement both commit, or neither does.
 */
export class OutboxWriter {
  constructor(private readonly schema: string) {}

  async append(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.append must run inside a transaction');
    }
    await manager.query(
      `INSERT INTO "${this.schema}"."outbox" ("topic", "message_key", "payload", "headers")
       SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[])`,
      [
        messages.map((message) => message.topic),
        messages.map((message) => message.key),
        messages.map((message) => Buffer.from(message.payload)),
        messages.map((message) => JSON.stringify(message.headers ?? {})),
      ],
    );
  }
}
