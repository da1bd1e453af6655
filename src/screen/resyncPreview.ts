import type { Config, Follower, Group } from "../../data/schema.js";
import {
  type FollowerState,
  HedgeIndex,
  hedgeMembers,
  planResync,
  type ResyncPlan,
  SKIP_REASONS,
  type SyncLine,
  tradesLeft,
  type WindowReason,
} from "../../engine/index.js";

/** What the screen knows of a follower that `r` would resync, from the store's snapshot. */
export interface ResyncFacts {
  config: Config;
  group: Group;
  follower: Follower;
  /** Its out-of-sync lines. */
  lines: readonly SyncLine[];
  state: FollowerState;
  /** Why it is not ACTIVE; "broker lock" is the broker's own lock, shown as LOCKED or LIQ-ONLY. */
  reason?: string | undefined;
  pricesStale: boolean;
  /** What the group's trading window holds openings back for now. */
  window?: WindowReason | undefined;
  tradesToday: number;
  /** Every account's positions as its broker last reported them. */
  positions: ReadonlyMap<string, readonly { contract: string; netPos: number }[]>;
}

/**
 * What `r` would send and hold back now, judged by the engine's own rule (planResync) with the
 * same gates and the same hedge index, fed from what the screen shows: the question before the
 * resync can then say which opening would be refused and why. The engine judges again when it
 * runs (positions in flight count there too), so this is the forecast, not the verdict.
 */
export function resyncPreview(f: ResyncFacts): ResyncPlan {
  const hedge = new HedgeIndex();
  hedge.setMembers(hedgeMembers(f.config), f.config.hedgeGuard !== false);
  for (const [account, held] of f.positions)
    if (hedge.watches(account)) for (const p of held) hedge.update(account, p.contract, p.netPos);
  const brokerLocked = f.state !== "ACTIVE" && f.reason === SKIP_REASONS.brokerLocked;
  return planResync(f.lines, {
    context: {
      ...{ groupActive: f.group.active, followerEnabled: f.follower.enabled, connected: true },
      ...{ state: brokerLocked ? "ACTIVE" : f.state, brokerLocked, pricesStale: f.pricesStale },
      ...{ window: f.window, tradesLeft: tradesLeft(f.follower.limits, f.tradesToday) },
    },
    hedge: (contract) => hedge.sides(f.follower.account, contract),
    account: accountOpen(f),
  });
}

/** The follower's account cap and the contracts its broker last reported on all its lines. */
function accountOpen(f: ResyncFacts): { cap: number; open: number } | undefined {
  const cap = f.follower.limits?.maxOpenContracts;
  if (cap === undefined) return undefined;
  const held = f.positions.get(f.follower.account) ?? [];
  return { cap, open: held.reduce((sum, p) => sum + Math.abs(p.netPos), 0) };
}

/** "hedge guard (ESZ6), max trades per day (NQZ6, CLZ6)": each gate once, with its contracts. */
export function heldText(held: ResyncPlan["held"]): string {
  const byReason = new Map<string, string[]>();
  for (const h of held) byReason.set(h.reason, [...(byReason.get(h.reason) ?? []), h.contract]);
  return [...byReason].map(([reason, contracts]) => `${reason} (${contracts.join(", ")})`).join(", ");
}

/** "BUY 2 ESZ6, SELL 1 NQZ6": the orders a resync would send, as the question names them. */
export function sendText(send: ResyncPlan["send"]): string {
  return send
    .filter((o) => o.delta !== 0)
    .map((o) => `${o.delta > 0 ? "BUY" : "SELL"} ${Math.abs(o.delta)} ${o.contract}`)
    .join(", ");
}
