/** What the release gate weighs for one revision. */
export interface GateInput {
  /** People this revision would notify. */
  revisionPeople: number;
  /** People the same reporter's other revisions (released or held) would notify within the window. */
  reporterPeopleInWindow: number;
  /** Most people a reporter may have notified in the window without two approvals. */
  threshold: number;
  dryRun: boolean;
}

export type GateDecision = { held: false } | { held: true; reason: string };

/**
 * The release gate's counting rule. A revision is held for two approvals when it alone would notify more people
 * than the threshold, or when, with what its reporter already sent or has waiting in the window, the reporter
 * would pass it: fifty incidents of 9,000 people each are held from the one that crosses the line, whatever
 * their own size. Dry runs are never sent.
 */
export function decideRelease({ revisionPeople, reporterPeopleInWindow, threshold, dryRun }: GateInput): GateDecision {
  if (dryRun) return { held: true, reason: 'dry run: computed, never sent' };
  if (revisionPeople > threshold) {
    return { held: true, reason: `${revisionPeople} people to notify exceeds the gate threshold of ${threshold}` };
  }
  const total = reporterPeopleInWindow + revisionPeople;
  if (revisionPeople > 0 && total > threshold) {
    return {
      held: true,
      reason:
        `${revisionPeople} people to notify bring the reporter to ${total} in the gate window, ` +
        `over the threshold of ${threshold}`,
    };
  }
  return { held: false };
}
