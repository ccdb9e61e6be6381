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
import { GateRepository, summaryFields, type Approval, type IncidentListing } from './gate.repository';
import { revisionSummaryHash } from './revision-summary';

export type { Approval } from './gate.repository';

/** An incident as the gate shows it; each revision's summaryHash is what an approval must name. */
export interface IncidentView {
  incidentId: string;
  currentRevision: number;
  paused: boolean;
  revisions: (Omit<IncidentListing['revisions'][number], 'dry_run' | 'people_affected' | 'policy_version'> & {
    dryRun: boolean;
    peopleAffected: number;
    policyVersion: string;
    summaryHash: string;
  })[];
}

export interface ApprovalResult {
  incidentId: string;
  revision: number;
  approvals: Approval[];
  released: boolean;
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
    private readonly gate: GateRepository,
    private readonly policy: RiskPolicy,
    private readonly audit: AccessAuditWriter,
    @Inject(GATE_CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Counts and statuses, no personal data; undefined when there is no such incident. */
  async incident(incidentId: string): Promise<IncidentView | undefined> {
    const listing = await this.gate.incident(incidentId);
    if (!listing) return undefined;
    const revisions = listing.revisions.map(({ dry_run, people_affected, policy_version, ...rest }) => ({
      ...rest,
      dryRun: dry_run,
      peopleAffected: people_affected,
      policyVersion: policy_version,
      summaryHash: revisionSummaryHash(
        summaryFields(incidentId, rest.revision, {
          dry_run,
          people_affected,
          policy_version,
          events: rest.events,
          summary: rest.summary,
        }),
      ),
    }));
    return { incidentId, currentRevision: listing.currentRevision, paused: listing.paused, revisions };
  }

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
      const row = await this.gate.revision(tx, incidentId, revision);
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
      if (!(await this.gate.addApproval(tx, incidentId, revision, principal, summaryHash)))
        throw new DomainException(ExposureErrorCode.AlreadyApproved, 'you already approved this revision');
      const approvals = await this.gate.approvals(tx, incidentId, revision);
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
      if (!(await this.gate.setPaused(tx, incidentId, paused)))
        throw new DomainException(ExposureErrorCode.IncidentNotFound, `incident ${incidentId} not found`);
      await tx.appendOutbox([
        control(incidentId, 0, paused ? ControlAction.PAUSED : ControlAction.RESUMED, [principal.subject], reason),
      ]);
      await this.audit.recordIn(tx, access, 'ALLOWED', 200);
      if (!paused) await this.gate.wakeFanOut(tx);
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
    await this.gate.markReleased(tx, incidentId, revision);
    await tx.appendOutbox([
      control(
        incidentId,
        revision,
        ControlAction.RELEASED,
        approvals.map((approval) => approval.subject),
        'released at the gate',
      ),
    ]);
    await this.gate.wakeFanOut(tx);
  }
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
