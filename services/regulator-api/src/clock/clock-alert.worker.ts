import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { newAlerts, type AlertThreshold } from '@bnp/obligations';
import { LOGGER } from '@bnp/observability';
import { WorkerLoop } from '@bnp/persistence';
import type { RegulatorApiConfig } from '../config';
import { FiguresRepository } from '../figures/figures.repository';
import { REGULATOR_CONFIG } from '../tokens';
import { DeadlineClockService, type DeadlineClock } from './deadline-clock.service';

/**
 * Reads every incident's deadline clocks on an interval and alerts once per threshold (50%, 80%, 100%
 * elapsed unfiled): a warn/error log line and regulator_deadline_alerts_total; the elapsed share is a
 * gauge. "Once" is a primary key in regulator.clock_alerts, so restarts and instances do not repeat it.
 */
@Injectable()
export class ClockAlertWorker {
  private readonly loop: WorkerLoop;
  private readonly alerts: Counter<'jurisdiction' | 'obligation' | 'threshold'>;
  private readonly elapsed: Gauge<'incident' | 'jurisdiction' | 'obligation'>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly figures: FiguresRepository,
    private readonly clocks: DeadlineClockService,
    @Inject(REGULATOR_CONFIG) config: RegulatorApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.alerts = new Counter({
      name: 'regulator_deadline_alerts_total',
      help: 'Deadline alerts raised: a regulator obligation at 50, 80 or 100% of its time elapsed, unfiled.',
      labelNames: ['jurisdiction', 'obligation', 'threshold'],
      registers: [registry],
    });
    this.elapsed = new Gauge({
      name: 'regulator_deadline_elapsed_percent',
      help: 'Share of the allowed time elapsed per incident and obligation (stops when filed).',
      labelNames: ['incident', 'jurisdiction', 'obligation'],
      registers: [registry],
    });
    this.loop = new WorkerLoop({
      logger,
      pass: async () => {
        await this.pass();
        return 0;
      },
      idleMs: config.REGULATOR_CLOCK_INTERVAL_MS,
      failureMessage: 'deadline clock pass failed',
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One reading of every clock; returns the alerts raised by it. */
  async pass(now = new Date()): Promise<{ clock: DeadlineClock; threshold: AlertThreshold }[]> {
    const raised: { clock: DeadlineClock; threshold: AlertThreshold }[] = [];
    for (const incident of await this.figures.incidents(null)) {
      for (const clock of await this.clocks.clocks(incident.incidentId, now)) {
        if (clock.reading.elapsedPercent !== null)
          this.elapsed.set(
            { incident: clock.incidentId, jurisdiction: clock.jurisdiction, obligation: clock.obligationId },
            Math.round(clock.reading.elapsedPercent * 10) / 10,
          );
        const done = await this.alerted(clock);
        for (const threshold of newAlerts(clock.reading, done)) {
          if (!(await this.record(clock, threshold))) continue;
          raised.push({ clock, threshold });
          this.alerts.inc({
            jurisdiction: clock.jurisdiction,
            obligation: clock.obligationId,
            threshold: String(threshold),
          });
          const line = {
            incidentId: clock.incidentId,
            obligationId: clock.obligationId,
            recipient: clock.recipient,
            dueAt: clock.dueAt,
            threshold,
          };
          if (threshold === 100) this.logger.error(line, 'regulator deadline passed with no report filed');
          else this.logger.warn(line, `regulator deadline ${threshold}% elapsed with no report filed`);
        }
      }
    }
    return raised;
  }

  private async alerted(clock: DeadlineClock): Promise<AlertThreshold[]> {
    const rows = await this.dataSource.query<{ threshold: AlertThreshold }[]>(
      `SELECT "threshold" FROM "regulator"."clock_alerts" WHERE "incident_id" = $1 AND "obligation_id" = $2`,
      [clock.incidentId, clock.obligationId],
    );
    return rows.map((row) => Number(row.threshold) as AlertThreshold);
  }

  private async record(clock: DeadlineClock, threshold: AlertThreshold): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO "regulator"."clock_alerts" ("incident_id", "obligation_id", "threshold", "due_at") VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING "threshold"`,
      [clock.incidentId, clock.obligationId, threshold, clock.dueAt],
    );
    return rows.length > 0;
  }
}
