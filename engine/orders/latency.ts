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

/** One ring per stage overall and per follower. */
export class LatencyBook {
  private readonly overall = new Map<LatencyStage, LatencyRing>();
  private readonly perFollower = new Map<string, Map<LatencyStage, LatencyRing>>();

  constructor(private readonly capacity = 2048) {}

  record(follower: string, stage: LatencyStage, ms: number): void {
    this.ring(this.overall, stage).add(ms);
    let mine = this.perFollower.get(follower);
    if (!mine) {
      mine = new Map();
      this.perFollower.set(follower, mine);
    }
    this.ring(mine, stage).add(ms);
  }

  summary(stage: LatencyStage, follower?: string): LatencySummary {
    const rings = follower === undefined ? this.overall : this.perFollower.get(follower);
    return rings?.get(stage)?.summary() ?? { p50: 0, p99: 0, count: 0 };
  }

  /** Drop followers no longer configured, so the book stays bounded across config edits. */
  retain(followers: ReadonlySet<string>): void {
    for (const name of this.perFollower.keys()) if (!followers.has(name)) this.perFollower.delete(name);
  }

  private ring(map: Map<LatencyStage, LatencyRing>, stage: LatencyStage): LatencyRing {
    let ring = map.get(stage);
    if (!ring) {
      ring = new LatencyRing(this.capacity);
      map.set(stage, ring);
    }
    return ring;
  }
}
