import { Injectable } from '@nestjs/common';
import { NoticeRepository } from './notice.repository';

/**
 * The incident's "last notice" time drives the settle window; once a second per instance is plenty,
 * and the row is the hottest in the schema.
 */
@Injectable()
export class IncidentActivity {
  private readonly touched = new Map<string, number>();

  constructor(private readonly notices: NoticeRepository) {}

  async noticed(incidentIds: Iterable<string>): Promise<void> {
    for (const incidentId of new Set(incidentIds)) {
      const last = this.touched.get(incidentId) ?? 0;
      if (Date.now() - last < 1000) continue;
      this.touched.set(incidentId, Date.now());
      if (this.touched.size > 10_000) this.touched.clear();
      await this.notices.touchIncident(incidentId);
    }
  }
}
