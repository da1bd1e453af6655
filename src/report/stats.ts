/** Small arithmetic for reports. */

/**
 * Nearest-rank percentile (p in 0..100) of unsorted samples; undefined when there are none. The
 * same definition as the header's live copy latency, so the report and the screen agree.
 */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Cents: money sums of many float products must not show 0.30000000000000004. */
export function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Adds a count into a tally by key. */
export function tally(into: Record<string, number>, key: string, n = 1): void {
  into[key] = (into[key] ?? 0) + n;
}
