import type { Whitelist } from "../../data/schema.js";
import { rootOf } from "../symbols.js";
import type { FollowerState, SkipReason, WindowReason } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import type { HedgeSides } from "./hedgeIndex.js";

/** Everything the gates look at for one follower and one leader fill. */
export interface GateContext {
  groupActive: boolean;
  followerEnabled: boolean;
  connected: boolean;
  /** The follower already has as many live orders as the book may hold: nothing more is sent. */
  ordersBacklog?: boolean | undefined;
  state: FollowerState;
  /** The broker itself has the account locked or liquidation-only. */
  brokerLocked: boolean;
  /** Its login has no market data: risk is blind to a new position's loss. */
  pricesStale?: boolean | undefined;
  whitelist: Whitelist;
  /** The leader's contract (ESZ6); the whitelist matches its root, never the mapped one. */
  leaderContract: string;
  /** Opening trades left today; undefined = no limit. */
  tradesLeft?: number | undefined;
  /** Issue 16: why the group's trading window holds openings back now; undefined = it allows them. */
  window?: WindowReason | undefined;
  /** This leader order was already counted as a trade for this follower (a later fill of it). */
  tradeAlreadyCounted?: boolean | undefined;
  /** Sides other followers of its firm hold in an equivalent instrument (absent: none, or no firm). */
  hedge?: HedgeSides | undefined;
}

/**
 * Gates that stop every copy, exits included: the follower cannot be reached, or its broker has
 * left too many of our orders unanswered (more would only pile up, and the book must never forget
 * a live one to make room). Order: connection up → orders backlog. A paused group or a disabled
 * follower is not here: they stop new exposure only, and an exit still follows the leader.
 */
export function accessGate(ctx: GateContext): SkipReason | undefined {
  if (!ctx.connected) return SKIP_REASONS.disconnected;
  if (ctx.ordersBacklog) return SKIP_REASONS.ordersBacklog;
  return undefined;
}

/**
 * The gate for exits: a follower being flattened (LIQUIDATE_ONLY) gets none from the copier. The
 * flatten closes every position of it anyway, and its liquidation may be done at the broker before
 * mimik hears of it: an exit sized from the position still known would then sell what the
 * liquidation already sold, and leave the follower on the other side.
 */
export function exitGate(ctx: Pick<GateContext, "state">): SkipReason | undefined {
  return ctx.state === "LIQUIDATE_ONLY" ? SKIP_REASONS.flattening : undefined;
}

/** Empty or disabled list = everything. Matches the root of the leader contract (MESZ6 → MES, not ES). */
export function whitelisted(whitelist: Whitelist, leaderContract: string): boolean {
  if (!whitelist.enabled || whitelist.symbols.length === 0) return true;
  const root = rootOf(leaderContract);
  return whitelist.symbols.some((s) => s.toUpperCase() === root);
}

/**
 * Gates for openings/adds only, before sizing: group active → follower enabled → lock /
 * LIQUIDATE_ONLY / broker lock → prices stale → trading window → whitelist. The trader's off switches come
 * first, so a paused group's held-back opening says "group paused" whatever else holds it.
 */
export function openingGate(
  ctx: Pick<
    GateContext,
    | "groupActive"
    | "followerEnabled"
    | "state"
    | "brokerLocked"
    | "pricesStale"
    | "window"
    | "whitelist"
    | "leaderContract"
  >,
): SkipReason | undefined {
  if (!ctx.groupActive) return SKIP_REASONS.groupPaused;
  if (!ctx.followerEnabled) return SKIP_REASONS.followerDisabled;
  if (ctx.state === "LOCKED") return SKIP_REASONS.locked;
  if (ctx.state === "LIQUIDATE_ONLY") return SKIP_REASONS.liquidateOnly;
  if (ctx.brokerLocked) return SKIP_REASONS.brokerLocked;
  if (ctx.pricesStale) return SKIP_REASONS.pricesStale;
  if (ctx.window !== undefined) return ctx.window;
  if (!whitelisted(ctx.whitelist, ctx.leaderContract)) return SKIP_REASONS.notWhitelisted;
  return undefined;
}

/** The last opening gate (after max contracts): trades per day. A later fill of a counted order passes. */
export function tradesGate(ctx: GateContext): SkipReason | undefined {
  if (ctx.tradeAlreadyCounted) return undefined;
  if (ctx.tradesLeft !== undefined && ctx.tradesLeft <= 0) return SKIP_REASONS.maxTrades;
  return undefined;
}

/**
 * The hedge guard, for an opening towards `direction` (+1 long, −1 short): another follower of the
 * same firm holds the other side of an equivalent instrument. Exits never come here.
 */
export function hedgeGate(ctx: GateContext, direction: number): SkipReason | undefined {
  const h = ctx.hedge;
  if (h === undefined) return undefined;
  if ((direction > 0 && h.short) || (direction < 0 && h.long)) return SKIP_REASONS.hedgeGuard;
  return undefined;
}

/**
 * The trader (or a limit) has the follower stand aside: its group paused, itself switched off,
 * locked or being flattened, or its broker's own lock. It takes no openings, so it is not expected
 * to match its leader, only to follow the leader's exits (OUT OF SYNC and `r` judge it so). A
 * trading window or stale prices are no such choice: those lines still show what the rule wants.
 */
export function standsAside(
  ctx: Pick<GateContext, "groupActive" | "followerEnabled" | "state" | "brokerLocked">,
): SkipReason | undefined {
  return openingGate({
    ...ctx,
    pricesStale: false,
    window: undefined,
    whitelist: { enabled: false, symbols: [] },
    leaderContract: "",
  });
}
