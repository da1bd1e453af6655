/**
 * Bounded latency statistics: a fixed-size ring of the most recent samples, percentiles by
 * nearest rank on demand. Memory stays flat however many orders go out.
 */

export interface LatencySummary {
  /** Milliseconds; 0 when there are no samples. */
  p50: number;
  p99: number;
  /** Samples recorded since start (the percentiles cover the most recent `capacity`). */
  count: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100); 0 for an empty array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index]!;
}

export class LatencyRing {
  private readonly samples: number[] = [];
  private next = 0;
  private total = 0;
  /** The last summary, kept until a sample arrives: the screen asks far more often than fills come. */
  private cached: LatencySummary | undefined;

  constructor(private readonly capacity = 2048) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError("capacity must be a positive integer");
  }

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = Math.max(0, ms);
    if (this.samples.length < this.capacity) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.total += 1;
    this.cached = undefined;
  }

  summary(): LatencySummary {
    if (this.cached) return this.cached;
    const sorted = [...this.samples].sort((a, b) => a - b);
    this.cached = { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: this.total };
    return this.cached;
  }
}

/** Leader fill frame received → order frame written → order acknowledged → follower fill. */
export type LatencyStage = "written" | "ack" | "filled";

/**
 * One ring per stage, over every follower. The header's p50/p99 reads the "written" one; each
 * copy's own latency goes to the journal with its copy event, which is where the daily report
 * reads a follower's. A ring per follower as well was never read, and at 200 followers it cost a
 * lookup by name for each of the 600 samples of a leader fill and up to 9.8 MB once full.
 */
export class LatencyBook {
  private readonly rings = new Map<LatencyStage, LatencyRing>();

  constructor(private readonly capacity = 2048) {}

  record(stage: LatencyStage, ms: number): void {
    let ring = this.rings.get(stage);
    if (!ring) {
      ring = new LatencyRing(this.capacity);
      this.rings.set(stage, ring);
    }
    ring.add(ms);
  }

  summary(stage: LatencyStage): LatencySummary {
    return this.rings.get(stage)?.summary() ?? { p50: 0, p99: 0, count: 0 };
  }
}
