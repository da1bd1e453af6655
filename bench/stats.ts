/** Percentiles by nearest rank over every sample (benchmarks keep all samples; they are few). */
export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => {
    if (sorted.length === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
  };
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}
