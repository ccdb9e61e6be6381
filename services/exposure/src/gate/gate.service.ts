import { DomainException } from '@bnp/errors';
import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Logger } from 'pino';
import { ControlAction, IncidentControlSchema, Topics, encodeMessage } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { RiskPolicy } from '../policy/risk-policy';
import { ExposureErrorCode } from '../resolution/exposure.exception';
import { GateRepository, type GateTransaction, type IncidentView } from './gate.repository';

export const APPROVERS = Symbol('APPROVERS');

export interface ApprovalResult {
  incidentId: string;
  revision: number;
  approvals: string[];
  released: boolean;
}

/**
 * The release gate and pause/resume. A held revision is released when as many different authorised
 * people as the policy requires (two by default) have approved it. Approvers are identified by a
 * token whose sha256 is configured (GATE_APPROVERS), never stored in the database.
 */
@Injectable()
export class GateService {
  constructor(
    private readonly gate: GateRepository,
    private readonly policy: RiskPolicy,
    @Inject(APPROVERS) private readonly approversByTokenHash: ReadonlyMap<string, string>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  authenticate(token: string | undefined): string {
    const approver = token
      ? this.approversByTokenHash.get(createHash('sha256').update(token).digest('hex'))
      : undefined;
    if (!approver) throw new DomainException(ExposureErrorCode.NotAuthorised, 'not an authorised approver');
    return approver;
  }

  /** The incident, its revisions and their approvals, for the admin API. */
  async incident(incidentId: string): Promise<IncidentView> {
    const incident = await this.gate.incident(incidentId);
    if (!incident) throw new DomainException(ExposureErrorCode.IncidentNotFound, `incident ${incidentId} not found`);
    return incident;
  }

  async approve(incidentId: string, revision: number, approver: string): Promise<ApprovalResult> {
    const result = await this.gate.inTransaction(async (tx) => {
      await tx.lockIncident(incidentId);
      const status = await tx.revisionStatus(incidentId, revision);
      if (!status) {
        throw new DomainException(
          ExposureErrorCode.RevisionNotFound,
          `revision ${revision} of ${incidentId} not found`,
        );
      }
      if (status !== 'HELD') {
        throw new DomainException(
          ExposureErrorCode.NotHeld,
          `revision ${revision} of ${incidentId} is ${status}, not held`,
        );
      }
      if (!(await tx.addApproval(incidentId, revision, approver))) {
        throw new DomainException(ExposureErrorCode.AlreadyApproved, `${approver} already approved this revision`);
      }
      const approvals = await tx.approvals(incidentId, revision);
      const released = approvals.length >= this.policy.approvalsRequired;
      if (released) await this.release(tx, incidentId, revision, approvals);
      return { incidentId, revision, approvals, released };
    });
    this.logger.info({ incidentId, revision, approver, released: result.released }, 'release approval recorded');
    return result;
  }

  async setPaused(incidentId: string, paused: boolean, actor: string, reason: string): Promise<void> {
    await this.gate.inTransaction(async (tx) => {
      await tx.lockIncident(incidentId);
      if (!(await tx.setPaused(incidentId, paused))) {
        throw new DomainException(ExposureErrorCode.IncidentNotFound, `incident ${incidentId} not found`);
      }
      await tx.appendOutbox([
        control(incidentId, 0, paused ? ControlAction.PAUSED : ControlAction.RESUMED, [actor], reason),
      ]);
      if (!paused) await tx.wakeRelay();
    });
    this.logger.info({ incidentId, paused, actor }, paused ? 'incident paused' : 'incident resumed');
  }

  private async release(tx: GateTransaction, incidentId: string, revision: number, approvals: string[]): Promise<void> {
    await tx.release(incidentId, revision);
    await tx.appendOutbox([control(incidentId, revision, ControlAction.RELEASED, approvals, 'released at the gate')]);
    await tx.wakeRelay();
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
