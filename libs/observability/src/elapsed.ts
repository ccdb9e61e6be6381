/** Seconds since a `process.hrtime.bigint()` reading, as Prometheus histograms take durations. */
export function secondsSince(startedNs: bigint): number {
  return Number(process.hrtime.bigint() - startedNs) / 1e9;
}
