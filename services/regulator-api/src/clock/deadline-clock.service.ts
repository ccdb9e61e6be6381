import { Injectable } from '@nestjs/common';
import {
  deadlinesFor,
  factsFromExposure,
  OBLIGATIONS,
  readClock,
  type ClockReading,
  type Deadline,
} from '@bnp/obligations';
import { FiguresRepository } from '../figures/figures.repository';
import { ReportsRepository } from '../submission/reports.repository';

export interface DeadlineClock {
  incidentId: string;
  jurisdiction: string;
  obligationId: string;
  audience: Deadline['audience'];
  kind: Deadline['kind'];
  recipient: string | null;
  rule: string;
  status: Deadline['status'];
  source: string;
  startsAt: string | null;
  dueAt: string | null;
  filedAt: string | null;
  reading: ClockReading;
}

/** Every applicable obligation's clock for an incident, read now: what the regulator API and the alerts show. */
@Injectable()
export class DeadlineClockService {
  constructor(
    private readonly figures: FiguresRepository,
    private readonly reports: ReportsRepository,
  ) {}

  async clocks(incidentId: string, now = new Date()): Promise<DeadlineClock[]> {
    const figures = await this.figures.figures(incidentId);
    if (!figures) return [];
    const filedAt = await this.reports.filedAtByObligation(incidentId);
    const highTiers = (figures.peopleByTier['critical'] ?? 0) + (figures.peopleByTier['high'] ?? 0);
    const facts = factsFromExposure({ peopleAffected: figures.peopleAffected, peopleInHighTiers: highTiers });
    return deadlinesFor(OBLIGATIONS, figures.jurisdiction, { awareAt: figures.detectedAt, facts, filedAt })
      .filter((deadline) => deadline.applies && deadline.audience === 'regulator')
      .map((deadline) => {
        const filed = filedAt[deadline.obligationId] ?? null;
        return {
          incidentId,
          jurisdiction: figures.jurisdiction,
          obligationId: deadline.obligationId,
          audience: deadline.audience,
          kind: deadline.kind,
          recipient: deadline.recipient?.name ?? null,
          rule: deadline.rule,
          status: deadline.status,
          source: deadline.source,
          startsAt: deadline.startsAt?.toISOString() ?? null,
          dueAt: deadline.dueAt?.toISOString() ?? null,
          filedAt: filed?.toISOString() ?? null,
          reading: readClock(deadline.startsAt, deadline.dueAt, now, filed),
        };
      });
  }
}
