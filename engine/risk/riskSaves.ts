import { messageOf } from "../messageOf.js";
import type { Clock, FollowerRiskRecord, RiskStateStore } from "../types.js";
import { retryDelay } from "./backoff.js";
import { DeferredSaves, SaveQueue } from "./saveQueue.js";

export interface RiskSavesDeps {
  clock: Clock;
  store: RiskStateStore;
  /** How long a change that may wait (a counted trade, a higher high-water mark) waits at most. */
  lazyDelayMs: number;
  /** The follower's record as it is now: every write carries the latest. */
  recordOf(follower: string): FollowerRiskRecord | undefined;
  /** The follower's record just went off disk (a save failed) or is on disk again. */
  onDiskChanged(follower: string): void;
  alert(level: "info" | "error", message: string, follower?: string): void;
}

/**
 * Puts each follower's risk record on disk and keeps it there: at once for what must not be lost
 * (locks, unlocks, rolls), lazily and together for what may wait (trade counts, high-water marks).
 * A record whose write fails stays in memory, is marked unsaved (the follower's shown state says
 * so) and is written again with backoff until it is on disk. A lock is never given up on.
 */
export class RiskSaves {
  private readonly queues = new Map<string, SaveQueue>();
  private readonly lazy: DeferredSaves<string>;
  private readonly unsaved = new Set<string>();
  private retryTimer: unknown;
  private retries = 0;
  private stopped = false;
  private urgent: UrgentBatch | undefined;
  /** Writes under way: a stop waits for them (a lock written as the engine stops must land). */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(private readonly deps: RiskSavesDeps) {
    this.lazy = new DeferredSaves(deps.clock, deps.lazyDelayMs, async (names) => {
      await this.writeTogether(names);
    });
  }

  /**
   * Writes the follower's record now: true once it is on disk, false when it is not (then
   * retried). The followers asked for in one task share one write: a trading day rolling over at
   * 200 followers made 200 writes of the whole state file, one after the other, for seconds.
   */
  async now(follower: string): Promise<boolean> {
    // This write carries the whole record, so whatever waited for the lazy save is in it.
    this.lazy.forget(follower);
    const batch = this.urgent ?? this.nextUrgent();
    batch.names.add(follower);
    return !(await batch.failed).has(follower);
  }

  /** The batch the next `now` calls join, written once the task that asked for it is done. */
  private nextUrgent(): UrgentBatch {
    const names = new Set<string>();
    const failed = new Promise<Set<string>>((resolve) =>
      queueMicrotask(() => {
        this.urgent = undefined;
        resolve(this.writeTogether([...names], true));
      }),
    );
    this.urgent = { names, failed };
    return this.urgent;
  }

  /** Writes the follower's record within the lazy delay, together with the others waiting. */
  later(follower: string): void {
    // An unsaved record is written in full by the next retry.
    if (!this.unsaved.has(follower)) this.lazy.mark(follower);
  }

  isOnDisk(follower: string): boolean {
    return !this.unsaved.has(follower);
  }

  /** After a stop: retries resume for whatever is still unsaved. */
  start(): void {
    this.stopped = false;
    if (this.unsaved.size > 0) this.scheduleRetry();
  }

  /** One last write of everything waiting or unsaved, then no more timers (the engine stops). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRetry();
    await this.urgent?.failed;
    const waiting = this.lazy.flush();
    const unsaved = this.unsaved.size > 0 ? this.writeTogether([...this.unsaved]) : undefined;
    await waiting;
    await unsaved;
    while (this.writing.size > 0) await Promise.all(this.writing);
  }

  private queue(follower: string): SaveQueue {
    let queue = this.queues.get(follower);
    if (!queue) {
      queue = new SaveQueue(async () => {
        const record = this.deps.recordOf(follower);
        if (record) await this.deps.store.saveFollower(follower, { ...record });
      });
      this.queues.set(follower, queue);
    }
    return queue;
  }

  /**
   * One write for all of them when the store can, else one per follower; resolves with those
   * whose record is not on disk. `loud`: see failed().
   */
  private writeTogether(followers: string[], loud = false): Promise<Set<string>> {
    const write = this.writeNow(followers, loud);
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
    return write;
  }

  private async writeNow(followers: string[], loud: boolean): Promise<Set<string>> {
    const { store } = this.deps;
    if (followers.length > 1 && store.saveFollowers) {
      const records: Record<string, FollowerRiskRecord> = {};
      for (const name of followers) {
        const record = this.deps.recordOf(name);
        if (record) records[name] = { ...record };
      }
      try {
        await store.saveFollowers(records);
      } catch (err) {
        this.failed(followers, err, loud);
        return new Set(followers);
      }
      this.saved(followers);
      return new Set();
    }
    const notSaved = new Set<string>();
    await Promise.all(
      followers.map(async (name) => {
        try {
          await this.queue(name).save();
          this.saved([name]);
        } catch (err) {
          this.failed([name], err, loud);
          notSaved.add(name);
        }
      }),
    );
    return notSaved;
  }

  private saved(followers: string[]): void {
    const recovered = followers.filter((name) => this.unsaved.delete(name));
    if (this.unsaved.size === 0) {
      this.cancelRetry();
      this.retries = 0;
    }
    if (recovered.length === 0) return;
    for (const name of recovered) this.deps.onDiskChanged(name);
    this.deps.alert("info", `${who(recovered)}: risk state saved; it is on disk again`, single(recovered));
  }

  /**
   * `loud`: a write the caller waited for (a lock, an unlock) is reported every time it fails;
   * the lazy and retried writes only when a follower first goes off disk.
   */
  private failed(followers: string[], err: unknown, loud: boolean): void {
    const fresh = followers.filter((name) => !this.unsaved.has(name));
    for (const name of fresh) {
      this.unsaved.add(name);
      this.lazy.forget(name);
      this.deps.onDiskChanged(name);
    }
    if (loud || fresh.length > 0) {
      const names = loud ? followers : fresh;
      this.deps.alert(
        "error",
        `${who(names)}: could not save risk state (${messageOf(err)}); kept in memory, retrying until it is saved`,
        single(names),
      );
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer !== undefined || this.unsaved.size === 0) return;
    this.retries += 1;
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.writeTogether([...this.unsaved]);
    }, retryDelay(this.retries));
  }

  private cancelRetry(): void {
    if (this.retryTimer === undefined) return;
    this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}

interface UrgentBatch {
  names: Set<string>;
  /** The followers of the batch whose write failed, once it is done. */
  failed: Promise<Set<string>>;
}

function who(names: string[]): string {
  if (names.length === 1) return names[0]!;
  return `${names.length} followers (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""})`;
}

function single(names: string[]): string | undefined {
  return names.length === 1 ? names[0] : undefined;
}
