import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * Backlogs someone should watch, read from the tables at scrape time: commands the operator has not
 * acknowledged (they are re-sent without limit), commands held by a paused incident, and partner tasks
 * still waiting (an outage or a pause shows here).
 */
@Injectable()
export class BacklogMetrics implements OnModuleInit {
  constructor(
    private readonly registry: Registry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const dataSource = this.dataSource;
    new Gauge({
      name: 'fraud_protection_commands_unacknowledged',
      help: 'Protection commands sent and not yet acknowledged by the operator',
      registers: [this.registry],
      async collect() {
        this.set(
          await count(
            dataSource,
            `SELECT count(*)::int AS n FROM "fraud"."protection_commands" WHERE "status" = 'SENT'`,
          ),
        );
      },
    });
    new Gauge({
      name: 'fraud_protection_commands_held',
      help: 'Protection commands decided while their incident was paused, waiting for it to resume',
      registers: [this.registry],
      async collect() {
        this.set(
          await count(
            dataSource,
            `SELECT count(*)::int AS n FROM "fraud"."protection_commands" WHERE "status" = 'HELD'`,
          ),
        );
      },
    });
    new Gauge({
      name: 'fraud_partner_tasks_pending',
      help: 'Monitoring partner enrollments and cancellations still to be done',
      registers: [this.registry],
      async collect() {
        this.set(
          await count(dataSource, `SELECT count(*)::int AS n FROM "fraud"."partner_tasks" WHERE "status" = 'PENDING'`),
        );
      },
    });
  }
}

async function count(dataSource: DataSource, sql: string): Promise<number> {
  const [row] = await dataSource.query<{ n: number }[]>(sql);
  return row?.n ?? 0;
}
