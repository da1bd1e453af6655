/**
 * A plan for one follower and leader contract carried out: its requests sent (cancels, modifies,
 * placements, in the plan's order), and what stays unmirrored told with why, on screen and in
 * the journal (the reporter), with the time to look again when a refusal's wait is over.
 */
import type { Desired } from "./desire.js";
import type { FollowerOrders } from "./followerOrders.js";
import type { Plan } from "./plan.js";
import { MIRROR_REASONS } from "./reasons.js";
import { later, type Scene } from "./scene.js";
import type { MirrorSender, Target } from "./sender.js";

export interface PlanParts {
  orders: Pick<FollowerOrders, "mayPlace">;
  sender: Pick<MirrorSender, "cancel" | "modify" | "place" | "blocked">;
}

/** `lc`: the leader's contract (the skips name it); `t`: the follower's. */
export function applyPlan(
  parts: PlanParts,
  scene: Scene,
  t: Target,
  lc: string,
  desired: Desired,
  p: Plan,
): void {
  const { sender } = parts;
  const mayPlace = parts.orders.mayPlace(t.follower);
  for (const a of p.actions) {
    if (a.kind === "cancel") sender.cancel(t, a.order, a.reason);
    else if (a.kind === "modify") sender.modify(t, a.order, a.leg, a.exit, a.reason);
    else if (mayPlace) sender.place(t, a.set, a.into);
    // Placing again could make it twice: the trader sees why it waits.
    else
      for (const leg of a.set.legs)
        scene.skips.push({ leaderOrderId: leg.leaderId, contract: lc, reason: MIRROR_REASONS.answerLost });
  }
  for (const s of [...desired.skips, ...p.skips])
    scene.skips.push({ leaderOrderId: s.leaderId, contract: lc, reason: s.reason });
  for (const set of desired.sets)
    for (const b of sender.blocked(t.follower, set)) {
      scene.skips.push({
        leaderOrderId: b.leaderId,
        contract: lc,
        reason: MIRROR_REASONS.rejected(b.reason),
      });
      if (b.retryAt !== undefined) later(scene, b.retryAt); // asked again then
    }
  for (const at of [desired.recheckAt, p.recheckAt]) if (at !== undefined) later(scene, at);
}
