import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessActorKind, AccessLogEntrySchema, AccessOutcome, Topics, encodeMessage } from '@bnp/contracts';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import type { AccessDraft, AccessOutcomeName, AccessRecord } from './access-record';

/** What a service's own transaction offers, so an access can commit with the change it made. */
export interface AuditableTransaction {
  query(sql: string, params: unknown[]): Promise<unknown>;
  appendOutbox(messages: OutboxMessage[]): Promise<void>;
}

const OUTCOMES: Record<AccessOutcomeName, AccessOutcome> = {
  ALLOWED: AccessOutcome.ALLOWED,
  DENIED: AccessOutcome.DENIED,
  FAILED: AccessOutcome.FAILED,
};

/**
 * Writes access records to `<schema>.access_log` and, in the same transaction, to the outbox for
 * access.log.v1. `record` commits on its own (before a read's data is returned); `recordIn` joins the
 * transaction of the state change it describes.
 */
export class AccessAuditWriter {
  private readonly outbox: OutboxWriter;

  constructor(
    private readonly service: string,
    private readonly schema: string,
    private readonly dataSource: DataSource,
  ) {
    this.outbox = new OutboxWriter(schema);
  }

  async record(draft: AccessDraft, outcome: AccessOutcomeName, status: number): Promise<AccessRecord> {
    const record = this.complete(draft, outcome, status);
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await manager.query(this.insertSql(), this.params(record));
      await this.outbox.append(manager, [this.message(record)]);
    });
    return record;
  }

  async recordIn(
    tx: AuditableTransaction,
    draft: AccessDraft,
    outcome: AccessOutcomeName,
    status: number,
  ): Promise<AccessRecord> {
    const record = this.complete(draft, outcome, status);
    await tx.query(this.insertSql(), this.params(record));
    await tx.appendOutbox([this.message(record)]);
    return record;
  }

  private complete(draft: AccessDraft, outcome: AccessOutcomeName, status: number): AccessRecord {
    return { ...draft, id: randomUUID(), occurredAt: new Date(), outcome, status };
  }

  private insertSql(): string {
    return `INSERT INTO "${this.schema}"."access_log"
      ("id", "occurred_at", "subject", "actor_kind", "roles", "route", "target_ids", "reason", "outcome", "status")
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
  }

  private params(record: AccessRecord): unknown[] {
    return [
      record.id,
      record.occurredAt,
      record.subject,
      record.actorKind,
      record.roles,
      record.route,
      JSON.stringify(record.targetIds),
      record.reason,
      record.outcome,
      record.status,
    ];
  }

  private message(record: AccessRecord): OutboxMessage {
    return {
      topic: Topics.accessLog,
      key: record.subject,
      payload: encodeMessage(AccessLogEntrySchema, {
        accessId: record.id,
        service: this.service,
        subject: record.subject,
        actorKind: record.actorKind === 'TOKEN' ? AccessActorKind.TOKEN : AccessActorKind.HOLDER,
        roles: record.roles,
        route: record.route,
        targetIds: record.targetIds,
        reason: record.reason ?? '',
        outcome: OUTCOMES[record.outcome],
        status: record.status,
        occurredAt: timestampFromDate(record.occurredAt),
      }),
      headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'access.v1.AccessLogEntry' },
    };
  }
}
