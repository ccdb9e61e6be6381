import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';

/**
 * `outbox_unpublished_rows`, `outbox_oldest_unpublished_seconds` and `outbox_parked_rows` for one outbox, read
 * from the table at scrape time, so a relay that stalled (or never runs) still shows its backlog. A scrape while
 * PostgreSQL is away keeps the last values (a database alert covers that case).
 */
export function registerOutboxMetrics(registry: Registry, pool: Pool, schema: string): void {
  const labels = { outbox: schema };
  let snapshot: Promise<{ unpublished: number; oldest: number; parked: number }> | undefined;
  // One query per scrape for the three gauges.
  const read = () =>
    (snapshot ??= pool
      .query<{ unpublished: number; oldest: number | null; parked: number }>(
        `SELECT (SELECT count(*)::int FROM "${schema}"."outbox") AS "unpublished",
                (SELECT extract(epoch FROM now() - min("created_at"))::float8 FROM "${schema}"."outbox") AS "oldest",
                (SELECT count(*)::int FROM "${schema}"."outbox_parked") AS "parked"`,
      )
      .then(({ rows }) => ({
        unpublished: rows[0]?.unpublished ?? 0,
        oldest: rows[0]?.oldest ?? 0,
        parked: rows[0]?.parked ?? 0,
      }))
      .finally(() => setImmediate(() => (snapshot = undefined))));
  const gauge = (name: string, help: string, pick: (values: Awaited<ReturnType<typeof read>>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['outbox'],
      registers: [registry],
      async collect() {
        try {
          this.set(labels, pick(await read()));
        } catch {
          // PostgreSQL away: keep the last value.
        }
      },
    });
  gauge(
    'outbox_unpublished_rows',
    'Rows in the transactional outbox not yet acknowledged by Kafka',
    (v) => v.unpublished,
  );
  gauge(
    'outbox_oldest_unpublished_seconds',
    'Age of the oldest row still in the outbox (0 when empty)',
    (v) => v.oldest,
  );
  gauge('outbox_parked_rows', 'Outbox rows parked after their last attempt, waiting for an operator', (v) => v.parked);
}
