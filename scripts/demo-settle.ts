// The demo's view of an incident while it settles: every affected person in exactly one bucket, and
// what the pipeline holds when a wait expires (scripts/demo.ts prints both).
import type { SingleBar } from 'cli-progress';
import type { Client } from 'pg';
import { isQuiet, parseQuietHours } from '@bnp/notifier/src/dispatch/quiet-hours';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Buckets {
  affected: number;
  notified: number;
  unreachable: number;
  deferred: number;
  paused: number;
  held: number;
  inProgress: number;
}

/**
 * Puts every affected person in exactly one bucket. A person with a notice still pending is deferred when
 * every pending notice is LOW or MEDIUM and Pakistan's quiet hours hold them now; otherwise in progress.
 */
export async function buckets(db: Client, incidentId: string): Promise<Buckets> {
  const quiet = isQuiet(parseQuietHours(process.env.NOTIFIER_QUIET_HOURS ?? '21-08'), new Date());
  const { rows } = await db.query<Buckets>(
    `WITH people AS MATERIALIZED (
       SELECT pe.person_id::text AS person_id,
              EXISTS (SELECT 1 FROM exposure.exposure_events e JOIN exposure.revisions r USING (incident_id, revision)
                      WHERE e.incident_id = pe.incident_id AND e.person_id = pe.person_id AND r.status = 'HELD') AS held,
              coalesce((SELECT paused FROM exposure.incidents i WHERE i.incident_id = pe.incident_id), false) AS paused
       FROM exposure.person_exposures pe WHERE pe.incident_id = $1 AND pe.status = 'ACTIVE'),
     outcome AS MATERIALIZED (
       SELECT n.person_id,
              bool_or(n.outcome = 'pending') AS pending,
              bool_or(n.outcome = 'reached') AS reached,
              bool_and(n.outcome <> 'pending' OR n.tier <= 2) AS only_low_pending
       FROM notify.notices n WHERE n.incident_id = $1 GROUP BY n.person_id),
     bucketed AS (
       SELECT CASE
                WHEN p.held THEN 'held'
                WHEN p.paused THEN 'paused'
                WHEN o.person_id IS NULL THEN 'inProgress'
                WHEN NOT o.pending AND o.reached THEN 'notified'
                WHEN NOT o.pending THEN 'unreachable'
                WHEN $2::boolean AND o.only_low_pending THEN 'deferred'
                ELSE 'inProgress'
              END AS bucket
       FROM people p LEFT JOIN outcome o ON o.person_id = p.person_id)
     SELECT count(*)::int AS affected,
            count(*) FILTER (WHERE bucket = 'notified')::int AS notified,
            count(*) FILTER (WHERE bucket = 'unreachable')::int AS unreachable,
            count(*) FILTER (WHERE bucket = 'deferred')::int AS deferred,
            count(*) FILTER (WHERE bucket = 'paused')::int AS paused,
            count(*) FILTER (WHERE bucket = 'held')::int AS held,
            count(*) FILTER (WHERE bucket = 'inProgress')::int AS "inProgress"
     FROM bucketed`,
    [incidentId, quiet],
  );
  return rows[0]!;
}

/** How long the buckets may stay exactly as they are before the demo stops waiting and says so. */
const STALL_MS = 5 * 60_000;

/** Waits, moving the bar, until every affected person is settled; false (after saying why) at the deadline or a stall. */
export async function settle(db: Client, incidentId: string, deadline: number, settled: SingleBar): Promise<boolean> {
  let seen = '';
  let changedAt = Date.now();
  for (;;) {
    const b = await buckets(db, incidentId);
    settled.setTotal(b.affected);
    settled.update(b.affected - b.inProgress);
    if (b.inProgress === 0) return true;
    const now = JSON.stringify(b);
    if (now !== seen) {
      seen = now;
      changedAt = Date.now();
    }
    const stalled = Date.now() - changedAt > STALL_MS;
    if (stalled || Date.now() > deadline) {
      console.log(
        `\n  stopped waiting (${stalled ? `nothing changed for ${STALL_MS / 60_000} minutes` : 'see --timeout'}): ` +
          `${b.inProgress.toLocaleString('en')} people still in progress, buckets ${JSON.stringify(b)}; ` +
          `saw ${await pipelineState(db, incidentId)}. ` +
          `The services' logs are in .run/; npm run demo -- --report ${incidentId} waits again.`,
      );
      return false;
    }
    await sleep(2000);
  }
}

/** The incident's revisions, notices and deliveries by state, for a wait that expired. */
export async function pipelineState(db: Client, incidentId: string): Promise<string> {
  const { rows } = await db.query<{ what: string; count: number }>(
    `SELECT 'revision ' || revision || ' ' || status AS what, events AS count FROM exposure.revisions WHERE incident_id = $1
     UNION ALL SELECT 'resolution job ' || revision || ' ' || status, attempts FROM exposure.resolution_jobs WHERE incident_id = $1
     UNION ALL SELECT 'notices ' || outcome, count(*)::int FROM notify.notices WHERE incident_id = $1 GROUP BY outcome
     UNION ALL SELECT channel || ' ' || state, count(*)::int FROM notify.deliveries WHERE incident_id = $1 GROUP BY channel, state`,
    [incidentId],
  );
  return rows.length > 0 ? rows.map((row) => `${row.what}: ${row.count}`).join(', ') : 'nothing recorded for it yet';
}
