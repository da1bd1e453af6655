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
