/**
 * Coalescing writer for one key: at most one save runs at a time and at most one waits behind it.
 * A save reads the value when it starts, not when it was asked for, so everything changed before
 * `save()` was called is on disk once its promise resolves, and a burst of changes costs two
 * writes, not one per change.
 */
export class SaveQueue {
  private last: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  save(): Promise<void> {
    if (this.queued) return this.queued;
    const run = () => {
      this.queued = undefined;
      return this.write();
    };
    const next = this.last.then(run, run);
    this.queued = next;
    // The chain itself must not reject, or the next save would never run its write.
    this.last = next.catch(() => {});
    return next;
  }
}

/** The two timer calls DeferredSaves needs (a Clock has them). */
export interface TimerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Changes that may wait a little (a trade counted, a higher high-water mark) from many owners,
 * written together at most `delayMs` after the first of them instead of one write per change.
 * A copy to 200 followers then costs one timer, not 200 file writes on the copy path.
 */
export class DeferredSaves<T> {
  private readonly waiting = new Set<T>();
  private timer: unknown;

  constructor(
    private readonly clock: TimerClock,
    private readonly delayMs: number,
    private readonly write: (items: T[]) => Promise<void>,
  ) {}

  /** `item` changed; write it within delayMs. */
  mark(item: T): void {
    this.waiting.add(item);
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** `item` was just saved in full some other way: nothing of it is left to write. */
  forget(item: T): void {
    if (!this.waiting.delete(item) || this.waiting.size > 0) return;
    this.cancel();
  }

  /** Writes everything waiting now (the timer's job, and stop()'s). */
  flush(): Promise<void> {
    this.cancel();
    if (this.waiting.size === 0) return Promise.resolve();
    const items = [...this.waiting];
    this.waiting.clear();
    return this.write(items);
  }

  get size(): number {
    return this.waiting.size;
  }

  private cancel(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
