import type { FollowerBook } from "./followerBook.js";
import type { OrderMeta } from "./orderTracker.js";

/**
 * A leader's exit copied while one of the follower's openings is still on its way (sent, not yet
 * filled): the follower's position counts that opening, but it may yet die (accepted, then
 * rejected) or fill short. The exit (or a flip's closing half) sells only what the follower surely
 * holds now; the rest becomes a pending exit toward the rule's goal, held until our orders on the
 * line are answered, so it goes once the opening fills and never if it dies. Never sold more than
 * held, never past the rule. A flip's opening half goes at once (openings are never late).
 */
export class UnsureExits {
  private readonly held: Array<{ meta: OrderMeta; goal: number; opens: boolean }> = [];

  constructor(
    private readonly book: Pick<FollowerBook, "sureExit">,
    /** PendingExits.hold: a pending exit toward `goal`, tried once our orders on the line are answered. */
    private readonly hold: (meta: OrderMeta, goal: number, opens: boolean) => void,
  ) {}

  /** What of a copy of `delta` (`opening` of it opens; the follower at `has`) goes now; the rest is held at `release`. */
  now(meta: OrderMeta, has: number, delta: number, opening: number): number {
    const closing = delta - opening;
    const sure = this.book.sureExit(meta.follower, meta.contract, closing);
    if (sure === closing) return delta;
    // The held rest of a flip's closing half takes the follower across zero: it "opens" to the goal.
    this.held.push({ meta, goal: has + delta, opens: opening !== 0 });
    return sure + opening;
  }

  /** After the fan-out is recorded (what the follower acted on), the held parts become pending exits. */
  release(): void {
    if (this.held.length === 0) return;
    for (const { meta, goal, opens } of this.held.splice(0)) this.hold(meta, goal, opens);
  }
}
