import { Injectable } from '@nestjs/common';
import { EnrollmentWaitSweep } from './enrollment-wait-sweep';
import { NoticeRepository } from './notice.repository';

/**
 * What the rest of the notifier asks of the notice context: the per-incident counts (HTTP) and the
 * enrollment-wait sweep (the dispatch scheduler's housekeeping). Recording lives in ExposureRecorder
 * and EnrollmentRecorder, reached from the consumers.
 */
@Injectable()
export class NoticeService {
  constructor(
    private readonly notices: NoticeRepository,
    private readonly waits: EnrollmentWaitSweep,
  ) {}

  /** Releases notices whose enrollment did not arrive in time: they go without the code, and say it follows. */
  expireEnrollmentWaits(limit = 500): Promise<number> {
    return this.waits.sweep(limit);
  }

  summary(incidentId: string) {
    return this.notices.incidentSummary(incidentId);
  }
}
