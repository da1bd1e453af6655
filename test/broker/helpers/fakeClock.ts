import type { Clock } from "../../../engine/types.js";

/** A manual clock: timers fire only when advance() passes their due time. */
export class FakeClock implements Clock {
  private t = 1_700_000_000_000;
  private m = 0;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  now(): number {
    return this.t;
  }
  mono(): number {
    return this.m;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { due: this.m + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  pending(): number {
    return this.timers.size;
  }
  /**
   * Moves time forward without firing anything: the event loop was busy. Timers that fell due
   * meanwhile fire late, at the next advance().
   */
  stall(ms: number): void {
    this.t += ms;
    this.m += ms;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.m + ms;
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].due <= end && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      // A timer overdue after stall() fires now: time never runs backwards.
      if (next[1].due > this.m) {
        this.t += next[1].due - this.m;
        this.m = next[1].due;
      }
      next[1].fn();
    }
    this.t += end - this.m;
    this.m = end;
  }
}
