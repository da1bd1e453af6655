import type { SkipReason } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import type { FollowerBook } from "./followerBook.js";
import type { OrderMeta } from "./orderTracker.js";
import type { PendingExits } from "./pendingExits.js";
import type { CopierDeps } from "./ports.js";

/**
 * A leader's exit copied while what the follower holds is not sure yet; what is not sure waits:
 *
 * - one of the follower's openings is still on its way (sent, not yet filled): the follower's
 *   position counts it, but it may yet die (accepted, then rejected) or fill short. The exit (or a
 *   flip's closing half) sells only what the follower surely holds now;
 * - the follower's own mirror of the leader order whose fill is copied is being cancelled (issue
 *   14): a cancel's answer only says it was taken, and the mirror may fill on its way. Sent beside
 *   it, both could fill and leave the follower on the other side with its leader flat: the whole
 *   closing part waits.
 *
 * What waits becomes a pending exit toward the rule's goal, tried once our orders on the line are
 * answered and no mirror there is being cancelled, sized from what the follower holds then: it
 * goes once the opening fills and never if it dies, nothing more if the mirror filled. Never sold
 * more than held, never past the rule. A flip's opening half goes at once (openings are never late).
 */
export class UnsureExits {
  /** `why`: what a pending exit waits for, when not our orders in flight. */
  private readonly held: Array<{ meta: OrderMeta; goal: number; opens: boolean; why?: SkipReason }> = [];
  /** Why the last `now` held back what it did (the copy's skip says it when nothing went). */
  why: SkipReason = SKIP_REASONS.openingInFlight;

  constructor(
    private readonly book: Pick<FollowerBook, "sureExit">,
    /** `hold`: a pending exit toward `goal`, tried once our orders on the line are answered. */
    private readonly exits: Pick<PendingExits, "hold">,
    /** Is a mirror of this leader order being cancelled for the follower (it may still fill)? */
    private readonly mirror: Pick<CopierDeps, "mirrorCancelling">,
  ) {}

  /**
   * What of a copy of `delta` of leader order `orderId` (`opening` of it opens; the follower at
   * `has`) goes now; the rest is held at `release`.
   */
  now(meta: OrderMeta, has: number, delta: number, opening: number, orderId: number): number {
    const closing = delta - opening;
    if (closing !== 0 && this.mirror.mirrorCancelling?.(meta.follower, orderId) === true) {
      this.why = SKIP_REASONS.mirrorCancelling;
      this.held.push({ meta, goal: has + delta, opens: opening !== 0, why: this.why });
      return opening;
    }
    const sure = this.book.sureExit(meta.follower, meta.contract, closing);
    if (sure === closing) return delta;
    // The held rest of a flip's closing half takes the follower across zero: it "opens" to the goal.
    this.why = SKIP_REASONS.openingInFlight;
    this.held.push({ meta, goal: has + delta, opens: opening !== 0 });
    return sure + opening;
  }

  /** After the fan-out is recorded (what the follower acted on), the held parts become pending exits. */
  release(): void {
    if (this.held.length === 0) return;
    for (const { meta, goal, opens, why } of this.held.splice(0)) this.exits.hold(meta, goal, opens, why);
  }
}
