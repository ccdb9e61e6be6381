import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { PersonExposedSchema, Topics, encodeMessage } from '@bnp/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AccountStatus } from '../directory/directory.enums';
import { categoriesOf } from '../policy/categories';
import type { RiskPolicy } from '../policy/risk-policy';

interface EventRow {
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

interface RevisionMeta {
  detected_at: Date;
  occurred_to: Date;
  jurisdiction: string;
  attack_vectors: number[];
}

/**
 * Fans the released exposure_events out to `exposure.v1`, in id order (highest tier first), building
 * each PersonExposed from the event row and the directory at publish time (so a number recycled since
 * the breach is never sent to). The rows are the transactional outbox: a row is stamped published only
 * after the broker acknowledged it, and reading the unpublished head never skips a late commit.
 */
export class ExposureEventRelay {
  private producer?: Producer;
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
    private readonly batchSize = 2000,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
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
        const count = leader ? await this.publishBatch() : 0;
        if (count === 0) await this.sleep(leader ? 1000 : 5000);
      } catch (error) {
        this.logger.error({ err: error }, 'exposure relay pass failed; retrying');
        await this.sleep(1000);
      }
    }
  }

  async publishBatch(): Promise<number> {
    // Two index lookups instead of one join: the partial index yields the head in id order cheaply,
    // whatever the planner's statistics say about a table that just grew by millions of rows.
    const { rows: events } = await this.pool.query<Omit<EventRow, 'email_enc' | 'email_masked' | 'language'>>(
      `SELECT e."id", e."incident_id", e."revision", e."person_id", e."exposure_id", e."change", e."categories",
              e."new_categories", e."tier", e."policy_version", e."policy_rule", e."subscriber_ids", e."dry_run",
              e."notice_already_sent"
       FROM "exposure"."exposure_events" e
       WHERE e."published_at" IS NULL AND NOT e."held"
         AND e."incident_id" NOT IN (SELECT "incident_id" FROM "exposure"."incidents" WHERE "paused")
       ORDER BY e."id" LIMIT $1`,
      [this.batchSize],
    );
    const { rows: persons } = await this.pool.query<{
      person_id: string;
      email_enc: Buffer | null;
      email_masked: string | null;
      language: string;
    }>(
      `SELECT "person_id", "email_enc", "email_masked", "language" FROM "exposure"."persons" WHERE "person_id" = ANY($1::uuid[])`,
      [[...new Set(events.map((event) => event.person_id))]],
    );
    const personById = new Map(persons.map((person) => [person.person_id, person]));
    const rows: EventRow[] = events.map((event) => {
      const person = personById.get(event.person_id);
      return {
        ...event,
        email_enc: person?.email_enc ?? null,
        email_masked: person?.email_masked ?? null,
        language: person?.language ?? 'ur',
      };
    });
    if (rows.length === 0) return 0;
    const subscribers = await this.subscribersOf(rows);
    const messages = [];
    for (const row of rows) {
      const meta = await this.revisionMeta(row.incident_id, row.revision);
      messages.push({
        key: row.person_id,
        value: encodeMessage(PersonExposedSchema, this.toMessage(row, meta, subscribers)),
      });
    }
    await this.producer!.send({ topic: Topics.exposure, acks: -1, messages });
    await this.pool.query(
      'UPDATE "exposure"."exposure_events" SET "published_at" = now() WHERE "id" = ANY($1::bigint[])',
      [rows.map((row) => row.id)],
    );
    this.published += rows.length;
    return rows.length;
  }

  private async subscribersOf(rows: EventRow[]): Promise<Map<string, SubscriberRow>> {
    const ids = [...new Set(rows.flatMap((row) => row.subscriber_ids))];
    const { rows: subscribers } = await this.pool.query<SubscriberRow>(
      `SELECT "subscriber_id", "msisdn_enc", "msisdn_masked", "account_status", "line_type"
       FROM "exposure"."subscribers" WHERE "subscriber_id" = ANY($1::text[])`,
      [ids],
    );
    return new Map(subscribers.map((subscriber) => [subscriber.subscriber_id, subscriber]));
  }

  private async revisionMeta(incidentId: string, revision: number): Promise<RevisionMeta> {
    const key = `${incidentId}:${revision}`;
    const cached = this.revisions.get(key);
    if (cached) return cached;
    const { rows } = await this.pool.query<RevisionMeta>(
      `SELECT "detected_at", "occurred_to", "jurisdiction", "attack_vectors" FROM "exposure"."revisions"
       WHERE "incident_id" = $1 AND "revision" = $2`,
      [incidentId, revision],
    );
    const meta = rows[0];
    if (!meta) throw new Error(`revision ${key} has events but no revision row`);
    this.revisions.set(key, meta);
    return meta;
  }

  private toMessage(
    row: EventRow,
    meta: RevisionMeta,
    subscribers: Map<string, SubscriberRow>,
  ): MessageInitShape<typeof PersonExposedSchema> {
    const tierPolicy = this.policy.tierPolicy(row.tier);
    return {
      exposureId: row.exposure_id,
      incidentId: row.incident_id,
      revision: row.revision,
      personId: row.person_id,
      change: row.change,
      categories: categoriesOf(row.categories),
      newCategories: categoriesOf(row.new_categories),
      tier: row.tier,
      policyVersion: row.policy_version,
      policyRule: row.policy_rule,
      channels: tierPolicy.channels,
      actions: this.policy.actionsFor(row.tier, row.categories),
      subscriptions: row.subscriber_ids.flatMap((id) => {
        const subscriber = subscribers.get(id);
        if (!subscriber) return [];
        // Only the current holder of a number may be texted or locked: a former customer's number may be someone else's now.
        const stillHeld = subscriber.account_status !== Number(AccountStatus.Former);
        return [
          {
            subscriberId: id,
            stillHeld,
            lineType: subscriber.line_type,
            msisdnCiphertext: stillHeld ? subscriber.msisdn_enc : new Uint8Array(),
            msisdnMasked: subscriber.msisdn_masked,
          },
        ];
      }),
      emailCiphertext: row.email_enc ?? new Uint8Array(),
      emailMasked: row.email_masked ?? '',
      language: row.language,
      dryRun: row.dry_run,
      noticeAlreadySent: row.notice_already_sent,
      detectedAt: timestampFromDate(meta.detected_at),
      occurredTo: timestampFromDate(meta.occurred_to),
      jurisdiction: meta.jurisdiction,
      idempotencyKey: `${row.incident_id}:${row.person_id}:${row.revision}`,
      attackVectors: meta.attack_vectors,
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
