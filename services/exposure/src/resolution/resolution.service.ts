import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import type { IncidentRevisionAccepted } from '@bnp/contracts';
import { JurisdictionDeadlines } from '../policy/jurisdiction-deadlines';
import { RiskPolicy } from '../policy/risk-policy';
import { ExposureErrorCode } from './exposure.exception';
import { decideRelease } from './release-gate';
import { ResolutionRepository, type RevisionSummary } from './resolution.repository';

export const GATE_THRESHOLD = Symbol('GATE_THRESHOLD');
/** The rolling window (ms) over which the gate adds up a reporter's people. */
export const GATE_WINDOW_MS = Symbol('GATE_WINDOW_MS');

export type ResolveOutcome =
  | { outcome: 'duplicate' | 'stale' }
  | { outcome: 'released' | 'held' | 'dry_run'; summary: RevisionSummary; events: number };

/**
 * Works out who a revision exposed and what downstream must hear, in one transaction. Revisions that
 * would reach more people than the gate allows, and dry runs, are computed and summarised but held.
 */
@Injectable()
export class ResolutionService {
  constructor(
    private readonly resolutions: ResolutionRepository,
    private readonly policy: RiskPolicy,
    private readonly deadlines: JurisdictionDeadlines,
    @Inject(GATE_THRESHOLD) private readonly gateThreshold: number,
    @Inject(GATE_WINDOW_MS) private readonly gateWindowMs: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async resolve(revision: IncidentRevisionAccepted): Promise<ResolveOutcome> {
    const started = performance.now();
    const { incidentId } = revision;
    if (!revision.detectedAt || !revision.occurredTo) {
      throw new DomainException(ExposureErrorCode.MalformedRevision, 'revision lacks detected_at or occurred_to');
    }
    const detectedAt = timestampDate(revision.detectedAt);
    const occurredTo = timestampDate(revision.occurredTo);
    const result = await this.resolutions.inTransaction<ResolveOutcome>(async (tx) => {
      await tx.lockIncident(incidentId);
      await tx.useWorkMem(64);
      if (await tx.revisionExists(incidentId, revision.revision)) return { outcome: 'duplicate' };
      if ((await tx.currentRevision(incidentId)) > revision.revision) return { outcome: 'stale' };

      const listProblems = await tx.missingLists(
        revision.assets.flatMap((asset) => (asset.scope.case === 'listRef' ? [asset.scope.value] : [])),
      );
      if (listProblems.length > 0)
        throw new DomainException(ExposureErrorCode.UnknownScopeList, listProblems.join('; '));
      const unknownAssets = await tx.unknownAssets(revision.assets.map((asset) => asset.assetId));

      const timings: Record<string, number> = {};
      const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
        const stepStarted = performance.now();
        const result = await work();
        timings[step] = Math.round(performance.now() - stepStarted);
        return result;
      };
      await timed('computePeople', () => tx.computePeople(revision));
      await timed('computeEvents', () => tx.computeEvents(incidentId, this.policy));
      const work = await tx.countWork();
      const reporterPeopleInWindow = await tx.reporterPeopleInWindow(revision.reporter, this.gateWindowMs);
      const gate = decideRelease({
        revisionPeople: work.events,
        reporterPeopleInWindow,
        threshold: this.gateThreshold,
        dryRun: revision.dryRun,
      });
      const held = gate.held;
      // Released at once: announced in the same write (a held revision is announced when it is released).
      await timed('applyExposures', () => tx.applyExposures(incidentId, revision.revision, this.policy, !held));
      await timed('insertEvents', () => tx.insertEvents(incidentId, revision.revision));
      await tx.supersedeHeld(incidentId, revision.revision);
      const summary = await timed('summarize', () => tx.summarize(this.policy, unknownAssets));
      const clock = this.deadlines.clockFor(revision.jurisdiction, detectedAt);
      await tx.saveRevision({
        incidentId,
        revision: revision.revision,
        revisionId: revision.revisionId,
        status: revision.dryRun ? 'DRY_RUN' : held ? 'HELD' : 'RELEASED',
        heldReason: gate.held ? gate.reason : null,
        dryRun: revision.dryRun,
        reporter: revision.reporter,
        peopleAffected: work.people,
        events: work.events,
        policyVersion: this.policy.version,
        jurisdiction: revision.jurisdiction,
        detectedAt,
        occurredTo,
        attackVectors: revision.attackVectors,
        regulatorDeadlineAt: clock?.deadlineAt ?? null,
        summary: {
          ...summary,
          regulator: clock ? { ...clock, deadlineAt: clock.deadlineAt.toISOString() } : null,
          // What the approvers see of the reporter's rolling window, this revision not included.
          gateWindow: {
            reporter: revision.reporter,
            hours: this.gateWindowMs / 3_600_000,
            peopleBefore: reporterPeopleInWindow,
            threshold: this.gateThreshold,
          },
          timingsMs: timings,
        },
        computeMs: Math.round(performance.now() - started),
        releasedAt: held ? null : new Date(),
      });
      if (!held) await tx.query(`SELECT pg_notify('exposure_events', '')`);
      return { outcome: revision.dryRun ? 'dry_run' : held ? 'held' : 'released', summary, events: work.events };
    });
    this.logger.info(
      {
        incidentId,
        revision: revision.revision,
        outcome: result.outcome,
        events: 'events' in result ? result.events : 0,
        ms: Math.round(performance.now() - started),
      },
      'revision resolved',
    );
    return result;
  }
}
