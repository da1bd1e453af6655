import type { Clock } from "../../engine/index.js";
import type { Notice } from "./rules.js";
import type { SendResult } from "./send.js";
import type { Message } from "./targets.js";

/**
 * One target's outbox: messages go one at a time, in order; a failed send is retried with
 * exponential backoff (or after the wait the service asks for); the queue is bounded, dropping the
 * oldest of the lowest level (a lock or a reject never makes room for an info line) and saying so
 * in the next message. A target that keeps failing is reported once when the
 * streak starts (a message given up on) and once when it works again, never once per retry.
 * Each target has its own Delivery, so a slow or dead service never holds up another.
 */

export interface DeliveryPolicy {
  /** Tries per message, the first included. */
  attempts: number;
  /** Wait before the second try; doubles after each failure. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is cut to it. */
  maxRetryAfterMs: number;
  /** Messages waiting; beyond this the oldest of the lowest level is dropped. */
  maxQueue: number;
}

/** 1 + 4 retries over about 30 s (2, 4, 8, 16 s): long enough for a blip, short enough to stay current. */
export const DEFAULT_POLICY: DeliveryPolicy = {
  attempts: 5,
  firstDelayMs: 2000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 600_000,
  maxQueue: 50,
};

const DOWN_KINDS: ReadonlySet<Notice["kind"]> = new Set(["connectionLost", "connectionNeedsYou"]);

/**
 * What goes first when the queue is full: the lowest. A connection's "back" whose "lost" is still
 * queued ranks with it (both may go: no news). One whose "lost" the phone has already heard
 * outranks every warning: it is the phone's only word that the loss is over, and dropped for a
 * burst of locks it would leave the phone saying "lost" about a connection that is up. One whose
 * "lost" was dropped is never sent: it goes first.
 */
function dropRank(queue: readonly Notice[], at: number, unheardDown: ReadonlySet<string>): number {
  const notice = queue[at]!;
  if (notice.kind === "connectionRestored") {
    // Its "lost" was dropped: it will not be sent anyway.
    if (unheardDown.has(notice.subject)) return -1;
    const lostQueued = queue.slice(0, at).some((n) => DOWN_KINDS.has(n.kind) && n.subject === notice.subject);
    return lostQueued ? 1 : 1.5;
  }
  return notice.level === "error" ? 2 : notice.level === "warn" ? 1 : 0;
}

export type StreakChange = { kind: "failing"; error: string } | { kind: "recovered"; lost: number };

export interface DeliveryOptions {
  send: (message: Message) => Promise<SendResult>;
  clock: Clock;
  onStreak: (change: StreakChange) => void;
  policy?: Partial<DeliveryPolicy>;
}

/** The wait before try number `attempt + 1` after a failure. */
export function backoffMs(attempt: number, policy: DeliveryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
}

export class Delivery {
  private readonly queue: Notice[] = [];
  private readonly policy: DeliveryPolicy;
  /** Dropped from a full queue since the last message went out: said in the next one. */
  private dropped = 0;
  private busy = false;
  private stopped = false;
  private timer: unknown;
  private failing = false;
  /** Messages given up on (or dropped) during the current failure streak. */
  private lost = 0;
  private idleWaiters: (() => void)[] = [];
  private sending = false;
  private quietWaiters: (() => void)[] = [];
  /** Connections whose "lost" this queue dropped: their "back" would say back from what. */
  private readonly unheardDown = new Set<string>();

  constructor(private readonly options: DeliveryOptions) {
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
  }

  enqueue(notice: Notice): void {
    if (this.stopped) return;
    this.queue.push(notice);
    if (this.queue.length > this.policy.maxQueue) this.makeRoom();
    if (!this.busy) this.next();
  }

  /** Drops the oldest of the lowest rank. */
  private makeRoom(): void {
    let victim = 0;
    for (let i = 1; i < this.queue.length; i++)
      if (dropRank(this.queue, i, this.unheardDown) < dropRank(this.queue, victim, this.unheardDown))
        victim = i;
    const [gone] = this.queue.splice(victim, 1);
    if (gone && DOWN_KINDS.has(gone.kind)) this.unheardDown.add(gone.subject);
    // The "back" that stood for the dropped "lost" is gone with it: a later one is news again.
    else if (gone?.kind === "connectionRestored") this.unheardDown.delete(gone.subject);
    this.dropped += 1;
    if (this.failing) this.lost += 1;
  }

  /** Messages waiting or being sent. */
  get pending(): number {
    return this.queue.length + (this.busy ? 1 : 0);
  }

  /** Resolves when nothing waits or is being sent. */
  idle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves when no request is on the wire (idle, or waiting to retry). */
  quiet(): Promise<void> {
    if (!this.sending) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  /** Gives up whatever waits: no more sends, no more timers. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.settle();
    for (const resolve of this.quietWaiters.splice(0)) resolve();
  }

  private next(): void {
    let notice = this.queue.shift();
    while (notice?.kind === "connectionRestored" && this.unheardDown.delete(notice.subject))
      notice = this.queue.shift();
    if (notice === undefined || this.stopped) {
      this.settle();
      return;
    }
    if (DOWN_KINDS.has(notice.kind)) this.unheardDown.delete(notice.subject);
    this.busy = true;
    const message: Message = { notice, dropped: this.dropped };
    this.dropped = 0;
    void this.attempt(message, 1);
  }

  private settle(): void {
    this.busy = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async attempt(message: Message, attempt: number): Promise<void> {
    this.sending = true;
    const result = await this.options.send(message);
    this.sending = false;
    try {
      this.afterSend(message, attempt, result);
    } finally {
      // The next message may already be on its way: then its end is when it is quiet.
      if (!this.sending) for (const resolve of this.quietWaiters.splice(0)) resolve();
    }
  }

  private afterSend(message: Message, attempt: number, result: SendResult): void {
    if (this.stopped) return;
    if (result.ok) {
      if (this.failing) {
        this.failing = false;
        this.options.onStreak({ kind: "recovered", lost: this.lost });
        this.lost = 0;
      }
      this.next();
      return;
    }
    if (result.retryable && attempt < this.policy.attempts) {
      this.timer = this.options.clock.setTimeout(
        () => {
          this.timer = undefined;
          void this.attempt(message, attempt + 1);
        },
        backoffMs(attempt, this.policy, result.retryAfterMs),
      );
      return;
    }
    this.lost += 1;
    if (!this.failing) {
      this.failing = true;
      this.options.onStreak({ kind: "failing", error: result.error });
    }
    this.next();
  }
}
