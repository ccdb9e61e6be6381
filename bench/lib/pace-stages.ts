import { loadavg } from 'node:os';
import type { Client } from 'pg';

/** One reading of every stage of an incident's path, from the services' own tables. */
interface Reading {
  at: number;
  load1: number;
  counts: Record<StageName, number>;
  backlogs: Record<StageName, number>;
  oldestCallbackSeconds: number;
}

export type StageName =
  'exposures_taken_in' | 'enrollments' | 'notices_ready' | 'sms_accepted' | 'callbacks_applied' | 'emails_sent';

export interface StageFigures {
  count: number;
  /** Items per second between the first and the last reading in which the count grew. */
  achieved_per_second: number | null;
  peak_backlog: number;
  /** Seconds after release when the count first grew and last grew. */
  active_from_s: number | null;
  active_until_s: number | null;
}

/**
 * Samples an incident's stages every few seconds: how many items each has done and how many wait for
 * it. Backlogs: exposure events published and not yet recorded as notices; enrollments fraud-guard
 * made that the notifier has not recorded; deliveries ready and not yet claimed; SMS queued; callbacks
 * stored and not yet applied (with the oldest one's age); emails waiting.
 */
export class StageSampler {
  private readonly readings: Reading[] = [];

  constructor(
    private readonly db: Client,
    private readonly incidentId: string,
    private readonly releasedAt: number,
  ) {}

  async sample(): Promise<Reading> {
    const { rows } = await this.db.query<Record<string, number | null>>(
      `SELECT
         (SELECT coalesce(sum(published_events), 0)::int FROM exposure.revisions WHERE incident_id = $1) AS published,
         (SELECT count(*)::int FROM notify.notices WHERE incident_id = $1 AND kind = 'notice') AS notices,
         (SELECT count(*)::int FROM fraud.enrollments WHERE incident_id = $1) AS fraud_enrollments,
         (SELECT count(*)::int FROM notify.enrollments WHERE incident_id = $1) AS notifier_enrollments,
         d.*, c.*
       FROM (SELECT count(*)::int AS deliveries,
                    count(*) FILTER (WHERE state = 'queued' AND not_before <= now())::int AS ready,
                    count(*) FILTER (WHERE channel = 'sms' AND accepted_at IS NOT NULL)::int AS sms_accepted,
                    count(*) FILTER (WHERE channel = 'sms' AND state IN ('queued', 'sending', 'unknown'))::int AS sms_waiting,
                    count(*) FILTER (WHERE channel = 'email' AND state = 'sent')::int AS emails_sent,
                    count(*) FILTER (WHERE channel = 'email' AND state IN ('queued', 'sending', 'unknown'))::int AS emails_waiting
             FROM notify.deliveries WHERE incident_id = $1) d,
            (SELECT count(*) FILTER (WHERE applied_at IS NOT NULL)::int AS applied,
                    count(*) FILTER (WHERE applied_at IS NULL)::int AS pending,
                    coalesce(extract(epoch FROM now() - min(received_at) FILTER (WHERE applied_at IS NULL)), 0)::float AS oldest
             FROM notify.provider_callbacks) c`,
      [this.incidentId],
    );
    const r = rows[0] ?? {};
    const n = (key: string) => Number(r[key] ?? 0);
    const reading: Reading = {
      at: Date.now(),
      load1: loadavg()[0] ?? 0,
      counts: {
        exposures_taken_in: n('notices'),
        enrollments: n('notifier_enrollments'),
        notices_ready: n('deliveries'),
        sms_accepted: n('sms_accepted'),
        callbacks_applied: n('applied'),
        emails_sent: n('emails_sent'),
      },
      backlogs: {
        exposures_taken_in: Math.max(0, n('published') - n('notices')),
        enrollments: Math.max(0, n('fraud_enrollments') - n('notifier_enrollments')),
        notices_ready: n('ready'),
        sms_accepted: n('sms_waiting'),
        callbacks_applied: n('pending'),
        emails_sent: n('emails_waiting'),
      },
      oldestCallbackSeconds: n('oldest'),
    };
    this.readings.push(reading);
    return reading;
  }

  figures(): Record<StageName, StageFigures> {
    const names = Object.keys(this.readings[0]?.counts ?? {}) as StageName[];
    return Object.fromEntries(
      names.map((name) => {
        let first: Reading | undefined;
        let last: Reading | undefined;
        let previous = 0;
        for (const reading of this.readings) {
          const count = reading.counts[name];
          if (count > previous) {
            // The reading before the first growth is when the stage started (it was idle at that reading).
            first ??= this.readings[Math.max(0, this.readings.indexOf(reading) - 1)];
            last = reading;
          }
          previous = count;
        }
        const count = this.readings.at(-1)?.counts[name] ?? 0;
        const span = first && last ? (last.at - first.at) / 1000 : 0;
        return [
          name,
          {
            count,
            achieved_per_second: span > 0 ? Math.round(count / span) : null,
            peak_backlog: Math.max(0, ...this.readings.map((reading) => reading.backlogs[name])),
            active_from_s: first ? round((first.at - this.releasedAt) / 1000) : null,
            active_until_s: last ? round((last.at - this.releasedAt) / 1000) : null,
          },
        ];
      }),
    ) as Record<StageName, StageFigures>;
  }

  peakCallbackAgeSeconds(): number {
    return round(Math.max(0, ...this.readings.map((reading) => reading.oldestCallbackSeconds)));
  }

  loadAverage(): { min: number; mean: number; max: number } {
    const loads = this.readings.map((reading) => reading.load1);
    if (loads.length === 0) return { min: 0, mean: 0, max: 0 };
    return {
      min: round(Math.min(...loads)),
      mean: round(loads.reduce((sum, load) => sum + load, 0) / loads.length),
      max: round(Math.max(...loads)),
    };
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
