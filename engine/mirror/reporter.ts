/**
 * What the mirror tells the screen and the journal about a follower after each look at it: its
 * working orders (when they changed) and each leader order not mirrored for it with why (in the
 * journal once per new reason, not on every look).
 */
import type { AccountRoute, Clock, EngineEvent, WorkingOrder } from "../types.js";
import { type NotMirrored, orderLines } from "./screenLines.js";
import type { Held } from "./types.js";

const EMPTY = JSON.stringify([[], []]);

export class MirrorReporter {
  private readonly shown = new Map<string, string>();
  private readonly skipsTold = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (event: EngineEvent) => void,
  ) {}

  publish(
    group: string,
    follower: string,
    route: AccountRoute,
    open: readonly WorkingOrder[],
    skips: readonly NotMirrored[],
    held: readonly Held[] = [],
  ): void {
    // The common case (copies fill at once; nothing works, nothing held back) costs no more.
    if (open.length === 0 && skips.length === 0 && this.shown.get(follower) === EMPTY) return;
    const seen = new Set<number>();
    const notMirrored = skips.filter((s) => !seen.has(s.leaderOrderId) && seen.add(s.leaderOrderId));
    for (const s of notMirrored) {
      const key = `${follower}\u0000${s.leaderOrderId}`;
      if (this.skipsTold.get(key) === s.reason) continue;
      this.skipsTold.set(key, s.reason);
      this.emit({
        type: "mirror",
        at: this.clock.now(),
        group,
        follower,
        contract: s.contract,
        leaderOrderId: s.leaderOrderId,
        action: "skip",
        outcome: "skipped",
        reason: s.reason,
      });
    }
    // Reasons no longer shown are forgotten: one that comes back is news again.
    const prefix = `${follower}\u0000`;
    for (const key of this.skipsTold.keys())
      if (key.startsWith(prefix) && !seen.has(Number(key.slice(prefix.length)))) this.skipsTold.delete(key);
    const orders = orderLines(open, route.accountId, held);
    const key = JSON.stringify([orders, notMirrored]);
    if (this.shown.get(follower) === key) return;
    this.shown.set(follower, key);
    this.emit({ type: "workingOrders", at: this.clock.now(), account: follower, orders, notMirrored });
  }

  /** Leader orders long gone: their skip reasons need not be remembered. */
  forgetLeader(leaderId: number): void {
    const suffix = `\u0000${leaderId}`;
    for (const key of this.skipsTold.keys()) if (key.endsWith(suffix)) this.skipsTold.delete(key);
  }

  forget(follower: string): void {
    this.shown.delete(follower);
    const prefix = `${follower}\u0000`;
    for (const key of this.skipsTold.keys()) if (key.startsWith(prefix)) this.skipsTold.delete(key);
  }
}
