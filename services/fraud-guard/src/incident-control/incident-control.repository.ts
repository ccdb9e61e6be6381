import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../sql';

/** The pause switch per incident, in fraud-guard's own schema. */
@Injectable()
export class IncidentControlRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a pause or resume unless a later decision is already recorded; false when it changed nothing.
   * Later means a later decided_at; at the same instant a pause beats a resume, so the outcome does not
   * depend on the order in which the two arrive.
   */
  async apply(control: { incidentId: string; paused: boolean; decidedAt: Date; controlId: string }): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource.manager,
      `INSERT INTO "fraud"."incident_controls" ("incident_id", "paused", "decided_at", "control_id") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("incident_id") DO UPDATE SET "paused" = EXCLUDED."paused", "decided_at" = EXCLUDED."decided_at",
         "control_id" = EXCLUDED."control_id", "updated_at" = now()
       WHERE "incident_controls"."decided_at" < EXCLUDED."decided_at"
         OR ("incident_controls"."decided_at" = EXCLUDED."decided_at" AND EXCLUDED."paused" AND NOT "incident_controls"."paused")
       RETURNING "incident_id"`,
      [control.incidentId, control.paused, control.decidedAt, control.controlId],
    );
    return rows.length === 1;
  }
}
