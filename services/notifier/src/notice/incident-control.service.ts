import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import { WorkSignal } from '../shared/work-signal';
import { IncidentControlRepository } from './incident-control.repository';
import type { ReceivedControl } from './notice-events.decoder';

/** Pauses and resumes an incident's sending; a resume wakes the schedulers. */
@Injectable()
export class IncidentControlService {
  constructor(
    private readonly controls: IncidentControlRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {}

  async record(control: ReceivedControl): Promise<'applied' | 'stale'> {
    const applied = await this.controls.apply(control);
    if (applied && control.action === 'resumed') this.work.raise();
    this.logger.info(
      { incidentId: control.incidentId, action: control.action, controlId: control.controlId, applied },
      'incident control',
    );
    return applied ? 'applied' : 'stale';
  }
}
