import { DomainException } from '@bnp/errors';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Logger } from 'pino';
import { AccessAuditWriter, type AccessDraft } from '@bnp/access-audit';
import type { Clock, Principal } from '@bnp/auth';
import { ControlAction, IncidentControlSchema, Topics, encodeMessage } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { RiskPolicy } from '../policy/risk-policy';
import { ExposureErrorCode } from '../resolution/exposure.exception';
import { ResolutionRepository, type ResolutionTransaction } from '../resolution/resolution.repository';
import { approvalRefusal } from './approver-policy';
import { GATE_CLOCK } from './gate-clock';
import { revisionSummaryHash } from './revision-summary';

export interface Approval {
  subject: string;
  displayName: string;
  approvedAt: string;
  summaryHash: string;
}

export interface ApprovalResult {
  incidentId: string;
  revision: number;
  approvals: Approval[];
  released: boolean;
}

interface RevisionRow {
  status: string;
  dry_run: boolean;
  people_affected: number;
  events: number;
  policy_version: string;
  summary: unknown;
}

/**
 * The release gate and pause/resume, by identity. A held revision is released when as many different
 * privacy officers as the policy requires (two by default) approved it, each signed in with a second
 * factor within the last ten minutes and shown the revision summary that is still current. Each
 * approval, pause and resume commits together with its access record.
 */
@Injectable()
export class GateService {
  constructor(
    private readonly resolutions: ResolutionRepository,
    private readonly policy: RiskPolicy,
    private readonly audit: AccessAuditWriter,
    @Inject(GATE_CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async approve(
    incidentId: string,
    revision: number,
    principal: Principal,
    summaryHash: string,
    access: AccessDraft,
  ): Promise<ApprovalResult> {
    const refusal = approvalRefusal(principal, Math.floor(this.clock.now().getTime() / 1000));
    if (refusal) throw new DomainException(ExposureErrorCode.NotAuthorised, refusal);
    const result = await this.resolutions.inTransaction(async (tx) => {
      await tx.lockIncident(incidentId);
      const rows = await tx.query<RevisionRow[]>(
        `SELECT "status", "dry_run", "people_affected", "events", "policy_version", "summary"
         FROM "exposure"."revisions" WHERE "incident_id" = $1 AND "revision" = $2`,
        [incidentId, revision],
      );
      const row = rows[0];
      if (!row)
        throw new DomainException(
          ExposureErrorCode.RevisionNotFound,
          `revision ${revision} of ${incidentId} not found`,
        );
      if (row.status !== 'HELD') {
        throw new DomainException(
          ExposureErrorCode.NotHeld,
          `revision ${revision} of ${incidentId} is ${row.status}, not held`,
        );
      }
      if (summaryHash !== revisionSummaryHash(summaryFields(incidentId, revision, row))) {
        throw new DomainException(
          ExposureErrorCode.StaleSummary,
          'the revision summary changed since you were shown it: read it again before approving',
        );
      }
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO "exposure"."release_approvals" ("incident_id", "revision", "approver", "display_name", "summary_sha256")
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
        [incidentId, revision, principal.subject, principal.displayName, summaryHash],
      );
      if (inserted.length === 0)
        throw new DomainException(ExposureErrorCode.AlreadyApproved, 'you already approved this revision');
      const approvals = await approvalsOf(tx, incidentId, revision);
      const released = approvals.length >= this.policy.approvalsRequired;
      if (released) await this.release(tx, incidentId, revision, approvals);
      await this.audit.recordIn(tx, access, 'ALLOWED', 200);
      return { incidentId, revision, approvals, released };
    });
    this.logger.info(
      { incidentId, revision, approver: principal.subject, released: result.released },
      'release approval recorded',
    );
    return result;
  }

  async setPaused(
    incidentId: string,
    paused: boolean,
    principal: Principal,
    reason: string,
    access: AccessDraft,
  ): Promise<void> {
    await this.resolutions.inTransaction(async (tx) => {
      await tx.lockIncident(incidentId);
      const updated = await tx.query<[unknown[], number]>(
        'UPDATE "exposure"."incidents" SET "paused" = $2, "updated_at" = now() WHERE "incident_id" = $1',
        [incidentId, paused],
      );
      if (updated[1] === 0)
        throw new DomainException(ExposureErrorCode.IncidentNotFound, `incident ${incidentId} not found`);
      await tx.appendOutbox([
        control(incidentId, 0, paused ? ControlAction.PAUSED : ControlAction.RESUMED, [principal.subject], reason),
      ]);
      await this.audit.recordIn(tx, access, 'ALLOWED', 200);
      if (!paused) await tx.query(`SELECT pg_notify('exposure_events', '')`);
    });
    this.logger.info({ incidentId, paused, actor: principal.subject }, paused ? 'incident paused' : 'incident resumed');
  }

  private async release(
    tx: ResolutionTransaction,
    incidentId: string,
    revision: number,
    approvals: Approval[],
  ): Promise<void> {
    await tx.markAnnounced(incidentId, revision);
    await tx.query(
      `UPDATE "exposure"."revisions" SET "status" = 'RELEASED', "released_at" = now() WHERE "incident_id" = $1 AND "revision" = $2`,
      [incidentId, revision],
    );
    await tx.appendOutbox([
      control(
        incidentId,
        revision,
        ControlAction.RELEASED,
        approvals.map((approval) => approval.subject),
        'released at the gate',
      ),
    ]);
    await tx.query(`SELECT pg_notify('exposure_events', '')`);
  }
}

export function summaryFields(incidentId: string, revision: number, row: Omit<RevisionRow, 'status'>) {
  return {
    incidentId,
    revision,
    dryRun: row.dry_run,
    peopleAffected: row.people_affected,
    events: row.events,
    policyVersion: row.policy_version,
    summary: row.summary,
  };
}

async function approvalsOf(tx: ResolutionTransaction, incidentId: string, revision: number): Promise<Approval[]> {
  const rows = await tx.query<{ approver: string; display_name: string; approved_at: Date; summary_sha256: string }[]>(
    `SELECT "approver", "display_name", "approved_at", "summary_sha256" FROM "exposure"."release_approvals"
     WHERE "incident_id" = $1 AND "revision" = $2 ORDER BY "approved_at"`,
    [incidentId, revision],
  );
  return rows.map((row) => ({
    subject: row.approver,
    displayName: row.display_name,
    approvedAt: row.approved_at.toISOString(),
    summaryHash: row.summary_sha256,
  }));
}

function control(incidentId: string, revision: number, action: ControlAction, actors: string[], reason: string) {
  return {
    topic: Topics.incidentControl,
    key: incidentId,
    payload: encodeMessage(IncidentControlSchema, {
      controlId: randomUUID(),
      incidentId,
      revision,
      action,
      actors,
      reason,
      decidedAt: timestampFromDate(new Date()),
    }),
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'incident.v1.IncidentControl' },
  };
}
