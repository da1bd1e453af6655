import type { Follower, Group } from "../../data/schema.js";
import type { Clock } from "../types.js";
import type { CopierAccounts } from "./ports.js";

/** Long enough for a liquidation already on its way to be answered and its fill reported. */
const SETTLE_MS = 1_000;
/** Looks while orders of ours are still in flight, before the line is left to the trader. */
const MAX_LOOKS = 5;

export interface FlattenStoppedDeps {
  clock: Clock;
  accounts: Pick<CopierAccounts, "role" | "route">;
  /** Orders of ours for the follower are in flight or working: what it holds is not settled. */
  busy(follower: string): boolean;
  /** The follower's lines made up as at a re-sync (the group's reconcile mode). */
  makeUp(group: Group, follower: Follower): void;
  /** Its lines that are still off shown OUT OF SYNC, for `r`. */
  show(group: Group, follower: Follower): void;
}

/**
 * A hand unlock stopped a flatten under way, or a roll cleared the lock of one that then ended.
 * The leader's exits that came during it were left to that flatten (skipped "being flattened",
 * not acted on), so the follower may hold what its leader
 * closed, and no live copy would close it: the next leader fill steps from the leader's position,
 * and a re-sync may be hours away. A moment after the unlock, once nothing of ours is in flight
 * for it and no market order works on it (a liquidation sent just before could still fill: an
 * exit beside it would sell twice), its lines are made up as at a re-sync; whatever is still off
 * shows OUT OF SYNC.
 */
export class FlattenStopped {
  private readonly timers = new Map<string, unknown>();

  constructor(private readonly deps: FlattenStoppedDeps) {}

  /**
   * ACTIVE again out of a lock. One whose flatten was under way (unlocked by hand during it, or a
   * roll cleared its lock before it ended) is made up and shown here (`stopped`): Standing leaves
   * that state change to us. One locked and flat while its leader holds shows OUT OF SYNC by its
   * unlock's state change (Standing), as any lock lifted does: nothing is to be made up for it.
   */
  unlocked(follower: string, flattenStopped: boolean): void {
    if (flattenStopped) this.stopped(follower);
  }

  stopped(follower: string, looks = MAX_LOOKS): void {
    const { clock } = this.deps;
    clock.clearTimeout(this.timers.get(follower));
    const timer = clock.setTimeout(() => {
      this.timers.delete(follower);
      const role = this.deps.accounts.role(follower);
      if (role?.kind !== "follower" || role.follower.shadow) return;
      if (!this.deps.busy(follower) && !this.liquidating(follower))
        this.deps.makeUp(role.group, role.follower);
      else if (looks > 1) return this.stopped(follower, looks - 1);
      this.deps.show(role.group, role.follower);
    }, SETTLE_MS);
    this.timers.set(follower, timer);
  }

  /**
   * A market order working on the account: a liquidation answered but not yet filled (its fill
   * reported late, or the market closed). The flatten's own orders are not the copier's to count.
   */
  private liquidating(follower: string): boolean {
    const route = this.deps.accounts.route(follower);
    return route?.session.workingOrders(route.accountId).some((o) => o.orderType === "Market") ?? false;
  }

  stop(): void {
    for (const timer of this.timers.values()) this.deps.clock.clearTimeout(timer);
    this.timers.clear();
  }
}
