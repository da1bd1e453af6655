/**
 * When the mirror looks at a follower: soon after something about it changed (once the current
 * broker frame is handled, all its changes together), and at a time it asked for (a pairing
 * window ends, a modify's spacing is over, a late order's time is up). One timer per follower, the
 * earliest asked for.
 */
import type { Clock, EpochMs } from "../types.js";

export class Scheduler {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly timers = new Map<string, { at: EpochMs; handle: unknown }>();

  constructor(
    private readonly clock: Clock,
    private readonly run: (followers: string[]) => void,
    private readonly defer: (work: () => void) => void = queueMicrotask,
  ) {}

  touch(follower: string): void {
    if (this.stopped) return;
    this.dirty.add(follower);
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      if (this.stopped) return;
      const followers = [...this.dirty];
      this.dirty.clear();
      this.run(followers);
    });
  }

  /** Look at the follower again at `at` (or earlier, if something else asked for earlier). */
  at(follower: string, at: EpochMs): void {
    const have = this.timers.get(follower);
    if (this.stopped || (have && have.at <= at)) return;
    if (have) this.clock.clearTimeout(have.handle);
    const handle = this.clock.setTimeout(
      () => {
        this.timers.delete(follower);
        this.touch(follower);
      },
      Math.max(0, at - this.clock.now()),
    );
    this.timers.set(follower, { at, handle });
  }

  forget(follower: string): void {
    const t = this.timers.get(follower);
    if (t) this.clock.clearTimeout(t.handle);
    this.timers.delete(follower);
    this.dirty.delete(follower);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t.handle);
    this.timers.clear();
  }
}
