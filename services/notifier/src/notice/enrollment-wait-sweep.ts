import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { WorkSignal } from '../shared/work-signal';
import { NoticeLogEntries, type NoticeRef } from './notice-log.entries';
import { NoticeRepository } from './notice.repository';
import type { ExpiredWait } from './notice.transaction';

/**
 * The housekeeping of notices held for a fraud enrollment: attaches enrollments that arrived while
 * their notice was being recorded, and releases notices whose enrollment did not come in time (they
 * go without the code, and say the details follow), a batch at a time.
 */
@Injectable()
export class EnrollmentWaitSweep {
  constructor(
    private readonly notices: NoticeRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {}

  /** One batch; returns how many notices it released (0 when there is nothing left to do). */
  async sweep(limit = 500): Promise<number> {
    const released = await this.notices.inTransaction(async (tx) => {
      const attached = await tx.attachArrivedEnrollments(limit);
      const expired = await tx.expireWaits(limit);
      if (attached.length + expired.length === 0) return 0;
      for (const notice of expired) {
        this.logger.warn(
          {
            incidentId: notice.incident_id,
            personId: notice.person_id,
            waitedMs: this.config.NOTIFIER_ENROLLMENT_MAX_WAIT_MS,
          },
          'fraud enrollment did not arrive in time; notice goes without the activation code',
        );
      }
      const topic = this.topics.notificationLog;
      await tx.appendOutbox([
        ...attached.map((notice) => NoticeLogEntries.enrollmentAttached(topic, refOf(notice))),
        ...expired.map((notice) => NoticeLogEntries.enrollmentWaitExpired(topic, refOf(notice))),
      ]);
      return attached.length + expired.length;
    });
    if (released > 0) this.work.raise();
    return released;
  }
}

function refOf(wait: ExpiredWait): NoticeRef {
  return { noticeId: wait.notice_id, incidentId: wait.incident_id, personId: wait.person_id, revision: wait.revision };
}
