/**
 * A leader's frame is never kept waiting behind a backlog of followers' frames. Node reads one
 * socket's data at a time and hands every frame of a read to its handler before it looks at any
 * other socket; after a copy to 200 followers, the frames coming back (acks, orders, fills,
 * positions: tens of µs of work each) fill reads of many frames, and the leader's next fill sat
 * in the kernel until they were all handled.
 *
 * So a socket that serves no leader is *deferrable*: once the frames handled since the event loop
 * last came round have taken the turn's budget, the rest of its frames wait here and are handled
 * in slices of the same length, each in its own turn of the event loop. A leader's socket is never
 * deferred: its frames are handled the moment they are read, between two slices at the latest.
 *
 * Deferring a follower's frame is what a slower network would do; what the copier decides from
 * (positions with our orders in flight) does not depend on when a follower's frames are handled.
 * A socket's own frames keep their order: once one of them waits, every later one (and its close)
 * waits behind it.
 */

/** Frames of deferrable sockets handled in one turn of the event loop before the rest wait. */
export const TURN_BUDGET_MS = 1;

export interface InboundTiming {
  /** A monotonic clock in ms (the real one: the budget is of real time spent). */
  now(): number;
  /** Runs `fn` once the event loop has come round (after it has read its sockets). */
  nextTurn(fn: () => void): void;
  budgetMs: number;
}

interface Waiting {
  source: object;
  run: () => void;
}

export class InboundQueue {
  private readonly waiting: Waiting[] = [];
  /** How many entries each source has waiting: a source with any must queue behind them. */
  private readonly waitingBySource = new Map<object, number>();
  /** When the current turn began handling deferrable frames; undefined between turns. */
  private turnStartedAt: number | undefined;
  private drainScheduled = false;

  constructor(private readonly timing: InboundTiming) {}

  /**
   * Handles what `source` read now, or queues it behind a backlog. `run` must not throw (a socket
   * runs its handlers through `safely`). `deferrable` is false for a socket that serves a leader:
   * handled now, unless older frames of its own still wait.
   */
  arrive(source: object, deferrable: boolean, run: () => void): void {
    if (this.waitingBySource.has(source) || (deferrable && this.budgetSpent())) {
      this.enqueue(source, run);
      return;
    }
    if (deferrable) this.startTurn();
    run();
  }

  /** Entries waiting, over every source. */
  get size(): number {
    return this.waiting.length;
  }

  private budgetSpent(): boolean {
    const start = this.turnStartedAt;
    return start !== undefined && this.timing.now() - start >= this.timing.budgetMs;
  }

  private startTurn(): void {
    if (this.turnStartedAt !== undefined) return;
    this.turnStartedAt = this.timing.now();
    // The turn ends when the event loop comes round again: the next read starts a new budget.
    this.timing.nextTurn(() => {
      if (!this.drainScheduled) this.turnStartedAt = undefined;
    });
  }

  private enqueue(source: object, run: () => void): void {
    this.waiting.push({ source, run });
    this.waitingBySource.set(source, (this.waitingBySource.get(source) ?? 0) + 1);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    this.timing.nextTurn(() => this.drain());
  }

  /** One slice of the backlog in this turn; the rest in the next, after the loop has read its sockets. */
  private drain(): void {
    this.drainScheduled = false;
    this.turnStartedAt = this.timing.now();
    let done = 0;
    try {
      while (done < this.waiting.length && !this.budgetSpent()) {
        const entry = this.waiting[done++]!;
        const left = (this.waitingBySource.get(entry.source) ?? 1) - 1;
        if (left > 0) this.waitingBySource.set(entry.source, left);
        else this.waitingBySource.delete(entry.source);
        entry.run();
      }
    } finally {
      this.waiting.splice(0, done);
      if (this.waiting.length > 0) this.scheduleDrain();
      else this.turnStartedAt = undefined;
    }
  }
}

/** The engine thread's one queue: every socket of every session shares the turn's budget. */
export const inbound = new InboundQueue({
  now: () => performance.now(),
  nextTurn: (fn) => setImmediate(fn),
  budgetMs: TURN_BUDGET_MS,
});
