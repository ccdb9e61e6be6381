import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { deliveryParams, insertDeliveriesSql, type NewDelivery } from '../shared/delivery-rows';
import { retryOnDeadlock } from '../shared/retry-deadlock';
import type { ActivationChallengeEntity } from './activation-challenge.entity';
import type { NoticeEntity } from './notice.entity';
import { INSERT_NOTICES, noticesJson } from './notice-rows';
import { NoticeTransaction, type NoticeBrief } from './notice.transaction';

export const NOTIFY_OUTBOX = Symbol('NOTIFY_OUTBOX');

export interface IncidentSummaryRow {
  notices: number;
  dry_run: number;
  awaiting_enrollment: number;
  superseded: number;
  not_needed: number;
  pending: number;
  reached: number;
  unreachable: number;
}

export interface DeliveryCountRow {
  channel: string;
  state: string;
  count: number;
}
@Injectable()
export class NoticeRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFY_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: NoticeTransaction) => Promise<T>): Promise<T> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction((manager) => work(new NoticeTransaction(manager, this.outbox))),
    );
  }

  /** What recording these exposures depends on, read without locks: their people's notices and enrollments. */
  async lookup(
    people: [incidentId: string, personId: string][],
    idempotencyKeys: string[],
  ): Promise<{ known: Map<string, NoticeBrief[]>; enrollments: Map<string, string> }> {
    const reader = new NoticeTransaction(this.dataSource.manager, this.outbox);
    const [known, enrollments] = await Promise.all([
      reader.listNoticesOf(people),
      reader.enrollmentIdsFor(idempotencyKeys),
    ]);
    return { known, enrollments };
  }

  /**
   * First notices of a batch of people, their deliveries and log entries, as one statement: one
   * commit, so one WAL flush, for the whole batch. (The outbox rows are written here directly rather
   * than through OutboxWriter, which needs an explicit transaction; the statement is one.)
   */
  async insertFirstNotices(notices: NoticeEntity[], deliveries: NewDelivery[], log: OutboxMessage[]): Promise<void> {
    if (notices.length === 0) return;
    await this.dataSource.query(
      `WITH n AS (${INSERT_NOTICES} RETURNING 1),
            d AS (${insertDeliveriesSql(2)} RETURNING 1)
       INSERT INTO "notify"."outbox" ("topic", "message_key", "payload", "headers")
       SELECT * FROM unnest($17::text[], $18::text[], $19::bytea[], $20::jsonb[])`,
      [
        noticesJson(notices),
        ...deliveryParams(deliveries),
        log.map((message) => message.topic),
        log.map((message) => message.key),
        log.map((message) => Buffer.from(message.payload)),
        log.map((message) => JSON.stringify(message.headers ?? {})),
      ],
    );
  }

  /**
   * One activation message: its notice, the challenge holding the sealed code, its one delivery and
   * log entry, in one transaction. False when the challenge was recorded before (a redelivery).
   */
  recordActivation(
    notice: NoticeEntity,
    challenge: Omit<ActivationChallengeEntity, 'receivedAt' | 'notice'>,
    delivery: NewDelivery,
    log: OutboxMessage[],
  ): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      if (!(await tx.insertNoticeIfNew(notice))) return false;
      await tx.insertActivationChallenge(challenge);
      await tx.insertDeliveries([delivery]);
      await tx.appendOutbox(log);
      return true;
    });
  }

  async touchIncident(incidentId: string): Promise<void> {
    await this.dataSource.transaction((manager) =>
      new NoticeTransaction(manager, this.outbox).touchIncident(incidentId),
    );
  }

  async incidentSummary(incidentId: string): Promise<{ notices: IncidentSummaryRow; deliveries: DeliveryCountRow[] }> {
    const [notices] = await this.dataSource.query<IncidentSummaryRow[]>(
      `SELECT count(*)::int AS notices,
         count(*) FILTER (WHERE "state" = 'dry_run')::int AS dry_run,
         count(*) FILTER (WHERE "state" = 'awaiting_enrollment')::int AS awaiting_enrollment,
         count(*) FILTER (WHERE "state" = 'superseded')::int AS superseded,
         count(*) FILTER (WHERE "state" = 'not_needed')::int AS not_needed,
         count(*) FILTER (WHERE "outcome" = 'pending')::int AS pending,
         count(*) FILTER (WHERE "outcome" = 'reached')::int AS reached,
         count(*) FILTER (WHERE "outcome" = 'unreachable')::int AS unreachable
       FROM "notify"."notices" WHERE "incident_id" = $1 AND "kind" <> 'activation'`,
      [incidentId],
    );
    // Activation one-time codes are not breach notices: they count in neither figure.
    const deliveries = await this.dataSource.query<DeliveryCountRow[]>(
      `SELECT d."channel", d."state", count(*)::int AS count FROM "notify"."deliveries" d
       JOIN "notify"."notices" n ON n."notice_id" = d."notice_id"
       WHERE d."incident_id" = $1 AND n."kind" <> 'activation'
       GROUP BY d."channel", d."state" ORDER BY d."channel", d."state"`,
      [incidentId],
    );
    return { notices: notices as IncidentSummaryRow, deliveries };
  }
}
