/**
 * At most this many compromised assets in one breach report. An operator's data inventory holds tens to
 * hundreds of assets; a report of thousands is a broken or hostile producer, and each asset costs a scope
 * query in exposure, so it is dead-lettered with a reason rather than accepted.
 */
export const MAX_COMPROMISED_ASSETS = 1000;

/** Why a report with `count` compromised assets is refused, or null when the count is within the limit. */
export function compromisedAssetsOverLimit(count: number): string | null {
  return count > MAX_COMPROMISED_ASSETS
    ? `compromised_assets has ${count} entries; at most ${MAX_COMPROMISED_ASSETS} are accepted`
    : null;
}
