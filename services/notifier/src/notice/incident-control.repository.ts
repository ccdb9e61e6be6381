import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReceivedControl } from './notice-events.decoder';

/** The pause switch per incident. Only the newest decision counts: a late, older control changes nothing. */
@Injectable()
export class IncidentControlRepository {
  constructor(private readonly dataSource: DataSource) {}

  apply(control: ReceivedControl): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (control.action === 'released') {
        // The exposure service applies the release gate; the notifier keeps the fact for the record.
        await manager.query(
          `INSERT INTO "notify"."incidents" ("incident_id", "released_revision") VALUES ($1, $2)
           ON CONFLICT ("incident_id") DO UPDATE SET "released_revision" = GREATEST("incidents"."released_revision", EXCLUDED."released_revision"), "updated_at" = now()`,
          [control.incidentId, control.revision],
        );
        return true;
      }
      const paused = control.action === 'paused';
      const applied = await manager.query<unknown[]>(
        `INSERT INTO "notify"."incidents" ("incident_id", "paused", "control_decided_at", "last_control_id") VALUES ($1, $2, $3, $4)
         ON CONFLICT ("incident_id") DO UPDATE SET "paused" = EXCLUDED."paused", "control_decided_at" = EXCLUDED."control_decided_at",
           "last_control_id" = EXCLUDED."last_control_id", "updated_at" = now()
         WHERE "incidents"."control_decided_at" IS NULL OR "incidents"."control_decided_at" <= EXCLUDED."control_decided_at"
         RETURNING "incident_id"`,
        [control.incidentId, paused, control.decidedAt, control.controlId],
      );
      return applied.length > 0;
    });
  }
}
