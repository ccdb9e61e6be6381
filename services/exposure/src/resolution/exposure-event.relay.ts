import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Topics } from '@bnp/contracts';
import { RenewingProducer } from '@bnp/messaging';
import { AccountStatus } from '../directory/directory.enums';
import { categoriesOf } from '../policy/categories';
import type { RiskPolicy } from '../policy/risk-policy';
import { encodePersonExposed, type PersonExposedFields } from './person-exposed.encoder';

const EMPTY = new Uint8Array();

interface EventHead {
  id: string;
  incident_id: string;
  revision: number;
  person_id: string;
  exposure_id: string;
  change: number;
  categories: number;
  new_categories: number;
  tier: number;
  policy_version: string;
  policy_rule: string;
  subscriber_ids: string[];
  dry_run: boolean;
  notice_already_sent: boolean;
}

interface PersonRow {
  person_id: string;
  email_enc: Buffer | null;
  email_masked: string | null;
  language: string;
}

interface SubscriberRow {
  subscriber_id: string;
  msisdn_enc: Buffer;
  msisdn_masked: string;
  account_status: number;
  line_type: number;
}

interface EventRow extends EventHead {
  person: PersonRow | undefined;
  /** The event's subscriptions still in the directory, in the event's order. */
  subscribers: SubscriberRow[];
}

interface RevisionMeta {
  detectedAt: Timestamp;
  occurredTo: Timestamp;
  jurisdiction: string;
  attackVectors: number[];
}

interface Batch {
  ids: string[];
  incidentIds: string[];
  messages: { key: string; value: Buffer }[];
}

/** A pass goes back to the head of the table at least this often, so a late commit waits at most this many batches. */
const MAX_BATCHES_PER_PASS = 50;

/**
 * Fans the released exposure_events out to `exposure.v1`, in id order (highest tier first), building
 * each PersonExposed from the event row and the directory at publish time (so a number recycled since
 * the breach is never sent to). The rows are the transactional outbox: a row is stamped published only
 * after the broker acknowledged it, and every pass starts at the unpublished head, so a late commit is
 * never skipped.
 *
 * Pipelined: while the broker acknowledges one batch, the next is read and encoded and the previous
 * one stamped. Sends stay one at a time (the idempotent producer's sequence numbers, and per-key
 * order, need that); within a pass the next read continues after the last id read, since rows in
 * flight are not stamped yet, and the pass ends (and the next one starts from the head) when it
 * catches up or after MAX_BATCHES_PER_PASS batches.
 */
export class ExposureEventRelay {
  private producer?: RenewingProducer;
  private listener?: PoolClient;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly revisions = new Map<string, RevisionMeta>();
  published = 0;

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    private readonly policy: RiskPolicy,
    private readonly logger: Logger,
    private readonly batchSize = 5000,
  ) {}

  async start(): Promise<void> {
    this.producer = new RenewingProducer(this.kafka, this.logger);
    await this.producer.connect();
    this.listener = await this.pool.connect();
    this.listener.on('notification', () => this.wake?.());
    await this.listener.query('LISTEN "exposure_events"');
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.listener) {
      await this.listener.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      this.listener.release();
    }
    await this.producer?.disconnect();
  }

  private async run(): Promise<void> {
    let leader = false;
    while (this.running) {
      try {
        if (!leader) {
          const { rows } = await this.listener!.query<{ locked: boolean }>(
            `SELECT pg_try_advisory_lock(hashtext('exposure-event-relay')) AS "locked"`,
          );
          leader = rows[0]?.locked === true;
        }
        const count = leader ? await this.publishPass() : 0;
        if (count === 0) await this.sleep(leader ? 1000 : 5000);
      } catch (error) {
        this.logger.error({ err: error }, 'exposure relay pass failed; retrying');
        await this.sleep(1000);
      }
    }
  }

  /** One pass from the unpublished head; returns how many events were published. */
  async publishPass(): Promise<number> {
    let after = '0';
    let published = 0;
    let sending: Promise<void> | undefined;
    const stamping: Promise<void>[] = [];
    let stampFailure: Error | undefined;
    try {
      for (let batches = 0; batches < MAX_BATCHES_PER_PASS && this.running; batches++) {
        const rows = await this.readAfter(after);
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
        const batch = await this.encode(rows);
        if (sending) {
          await sending;
          // Read before the previous send was acknowledged: a pause committed since then holds the batch.
          if (await this.anyPaused(batch.incidentIds)) break;
        }
        sending = this.send(batch);
        // Stamping runs beside the next send; a stamp that fails only means those rows are sent again.
        stamping.push(
          sending.then(
            () =>
              this.stamp(batch.ids).catch(
                (error: unknown) => void (stampFailure ??= error instanceof Error ? error : new Error(String(error))),
              ),
            () => undefined, // the send's own failure is thrown where it is awaited
          ),
        );
        published += rows.length;
        if (rows.length < this.batchSize) break;
      }
      await sending;
    } finally {
      await Promise.all(stamping);
    }
    if (stampFailure !== undefined) throw stampFailure;
    return published;
  }

  private async readAfter(after: string): Promise<EventRow[]> {
    // Three index lookups instead of one join: the partial index yields the head in id order cheaply,
    // whatever the planner's statistics say about a table that just grew by millions of rows; a join
    // was measured slower (a hash join over all persons, and bytea[] arrays parsed in JavaScript).
    const { rows: events } = await this.pool.query<EventHead>(
      `SELECT e."id", e."incident_id", e."revision", e."person_id", e."exposure_id", e."change", e."categories",
              e."new_categories", e."tier", e."policy_version", e."policy_rule", e."subscriber_ids", e."dry_run",
              e."notice_already_sent"
       FROM "exposure"."exposure_events" e
       WHERE e."published_at" IS NULL AND NOT e."held" AND e."id" > $2
         AND e."incident_id" NOT IN (SELECT "incident_id" FROM "exposure"."incidents" WHERE "paused")
       ORDER BY e."id" LIMIT $1`,
      [this.batchSize, after],
    );
    if (events.length === 0) return [];
    const [persons, subscribers] = await Promise.all([
      this.pool.query<PersonRow>(
        `SELECT "person_id", "email_enc", "email_masked", "language" FROM "exposure"."persons" WHERE "person_id" = ANY($1::uuid[])`,
        [[...new Set(events.map((event) => event.person_id))]],
      ),
      this.pool.query<SubscriberRow>(
        `SELECT "subscriber_id", "msisdn_enc", "msisdn_masked", "account_status", "line_type"
         FROM "exposure"."subscribers" WHERE "subscriber_id" = ANY($1::text[])`,
        [[...new Set(events.flatMap((event) => event.subscriber_ids))]],
      ),
    ]);
    const personById = new Map(persons.rows.map((person) => [person.person_id, person]));
    const subscriberById = new Map(subscribers.rows.map((subscriber) => [subscriber.subscriber_id, subscriber]));
    return events.map((event) => ({
      ...event,
      person: personById.get(event.person_id),
      subscribers: event.subscriber_ids.flatMap((id) => subscriberById.get(id) ?? []),
    }));
  }

  private async encode(rows: EventRow[]): Promise<Batch> {
    const actions = new Map<number, number[]>();
    const categories = new Map<number, number[]>();
    const categoriesOfMask = (mask: number) => {
      let list = categories.get(mask);
      if (!list) categories.set(mask, (list = categoriesOf(mask)));
      return list;
    };
    const incidentIds = new Set<string>();
    const messages = [];
    for (const row of rows) {
      incidentIds.add(row.incident_id);
      const meta = this.revisions.get(`${row.incident_id}:${row.revision}`) ?? (await this.revisionMeta(row));
      const actionKey = row.tier * 2 ** 31 + row.categories;
      let rowActions = actions.get(actionKey);
      if (!rowActions) actions.set(actionKey, (rowActions = this.policy.actionsFor(row.tier, row.categories)));
      messages.push({
        key: row.person_id,
        value: encodePersonExposed(this.toMessage(row, meta, rowActions, categoriesOfMask)),
      });
    }
    return { ids: rows.map((row) => row.id), incidentIds: [...incidentIds], messages };
  }

  private async send(batch: Batch): Promise<void> {
    await this.producer!.send({ topic: Topics.exposure, acks: -1, messages: batch.messages });
  }

  /**
   * Stamps what the broker acknowledged. Row by row (by id), never a range or cursor: a range could
   * cover a row that committed late and was never read. The commit does not wait for the WAL flush:
   * a stamp lost in a crash only means those events are sent again, which delivery at least once and
   * idempotent consumers already allow; it never loses an event.
   */
  private async stamp(ids: string[]): Promise<void> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL synchronous_commit = off');
      await client.query(
        'UPDATE "exposure"."exposure_events" SET "published_at" = now() WHERE "id" = ANY($1::bigint[])',
        [ids],
      );
      await client.query('COMMIT');
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(failure); // a client that failed mid-transaction is discarded, not reused
    }
    this.published += ids.length;
  }

  private async anyPaused(incidentIds: string[]): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM "exposure"."incidents" WHERE "paused" AND "incident_id" = ANY($1::text[])',
      [incidentIds],
    );
    return rows.length > 0;
  }

  private async revisionMeta(row: EventRow): Promise<RevisionMeta> {
    const key = `${row.incident_id}:${row.revision}`;
    const { rows } = await this.pool.query<{
      detected_at: Date;
      occurred_to: Date;
      jurisdiction: string;
      attack_vectors: number[];
    }>(
      `SELECT "detected_at", "occurred_to", "jurisdiction", "attack_vectors" FROM "exposure"."revisions"
       WHERE "incident_id" = $1 AND "revision" = $2`,
      [row.incident_id, row.revision],
    );
    const found = rows[0];
    if (!found) throw new Error(`revision ${key} has events but no revision row`);
    const meta = {
      detectedAt: timestampFromDate(found.detected_at),
      occurredTo: timestampFromDate(found.occurred_to),
      jurisdiction: found.jurisdiction,
      attackVectors: found.attack_vectors,
    };
    this.revisions.set(key, meta);
    return meta;
  }

  private toMessage(
    row: EventRow,
    meta: RevisionMeta,
    actions: number[],
    categoriesOfMask: (mask: number) => number[],
  ): PersonExposedFields {
    return {
      exposureId: row.exposure_id,
      incidentId: row.incident_id,
      revision: row.revision,
      personId: row.person_id,
      change: row.change,
      categories: categoriesOfMask(row.categories),
      newCategories: categoriesOfMask(row.new_categories),
      tier: row.tier,
      policyVersion: row.policy_version,
      policyRule: row.policy_rule,
      channels: this.policy.tierPolicy(row.tier).channels,
      actions,
      subscriptions: row.subscribers.map((subscriber) => {
        // Only the current holder of a number may be texted or locked: a former customer's number may be someone else's now.
        const stillHeld = subscriber.account_status !== Number(AccountStatus.Former);
        return {
          subscriberId: subscriber.subscriber_id,
          stillHeld,
          lineType: subscriber.line_type,
          msisdnCiphertext: stillHeld ? subscriber.msisdn_enc : EMPTY,
          msisdnMasked: subscriber.msisdn_masked,
        };
      }),
      emailCiphertext: row.person?.email_enc ?? EMPTY,
      emailMasked: row.person?.email_masked ?? '',
      language: row.person?.language ?? 'ur',
      dryRun: row.dry_run,
      noticeAlreadySent: row.notice_already_sent,
      detectedAt: meta.detectedAt,
      occurredTo: meta.occurredTo,
      jurisdiction: meta.jurisdiction,
      idempotencyKey: `${row.incident_id}:${row.person_id}:${row.revision}`,
      attackVectors: meta.attackVectors,
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
