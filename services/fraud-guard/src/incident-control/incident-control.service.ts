import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import type { ReceivedControl } from './incident-control.decoder';
import { IncidentControlRepository } from './incident-control.repository';

export type ControlOutcome = 'applied' | 'stale' | 'ignored';

/**
 * Obeys pause and resume. A paused incident's protection commands and partner enrollments wait (the
 * enrollment path, the command release and resend jobs and the partner worker read the switch); resume
 * lets them go in the order they were decided. Releases are the exposure service's business: it gates
 * revisions before anything reaches exposure.v1.
 */
@Injectable()
export class IncidentControlService {
  constructor(
    private readonly controls: IncidentControlRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(control: ReceivedControl): Promise<ControlOutcome> {
    if (control.action === 'released') return 'ignored';
    const applied = await this.controls.apply({
      incidentId: control.incidentId,
      paused: control.action === 'paused',
      decidedAt: control.decidedAt,
      controlId: control.controlId,
    });
    const outcome = applied ? 'applied' : 'stale';
    this.logger.info(
      { incidentId: control.incidentId, controlId: control.controlId, action: control.action, outcome },
      applied ? `incident ${control.action}` : 'older incident control ignored',
    );
    return outcome;
  }
}
