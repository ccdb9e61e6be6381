/**
 * SQL that is true while the incident whose id is `incidentId` is paused: a parameter (`$1`) or a
 * column qualified by its table alias (`c."incident_id"`); a bare column name would resolve inside the
 * subquery. Every path that sends something out for an incident reads the switch through this.
 */
export function incidentPausedSql(incidentId: string): string {
  return `EXISTS (SELECT 1 FROM "fraud"."incident_controls" ic WHERE ic."incident_id" = ${incidentId} AND ic."paused")`;
}
