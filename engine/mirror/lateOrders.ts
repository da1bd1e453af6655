/**
 * The follower's mirrors of leader orders that filled, sorted out before the plan runs: each set
 * holding one is kept as it is for a while, cancelled, or cancelled and what it left unfilled sent
 * to market once the cancel is taken and the order heard finished (late.ts decides; the market is
 * sized on what is true then, so an order that filled meanwhile is never doubled). Everything else
 * goes on to the plan.
 */
import { DEFAULT_MAX_CONTRACTS, type EpochMs, SKIP_REASONS } from "../types.js";
import type { FollowerOrders } from "./followerOrders.js";
import { type LatePolicy, lateDecision } from "./late.js";
import type { FilledOrder, LeaderMemo } from "./leaderMemo.js";
import type { MirrorDeps } from "./mirror.js";
import { MIRROR_REASONS } from "./reasons.js";
import { positionIn } from "./scene.js";
import type { MirrorSender, Target } from "./sender.js";
import { entriesHeld } from "./settings.js";
import { type Held, isStopType, sign } from "./types.js";

export interface LateContext {
  now: EpochMs;
  afterMs: number;
  entries: LatePolicy;
  /** Leader orders still open. */
  openIds: ReadonlySet<number>;
  leaderPosition: number;
  followerPosition: number;
  entriesHeld: string | undefined;
  maxContracts: number | undefined;
  /** Look again then. */
  later(at: EpochMs): void;
}

export class LateOrders {
  constructor(
    private readonly sender: MirrorSender,
    private readonly orders: FollowerOrders,
    private readonly memo: LeaderMemo,
    private readonly deps: Pick<MirrorDeps, "accounts" | "gate">,
  ) {}

  /**
   * An OCO leg whose leader order is gone, but whose partner mirrors a leader order that filled
   * (not open any more): it stays. Cancelling it would take that partner with it (one leg's cancel
   * takes both), and the partner is what closes the follower; the partner's fill, or the cancel
   * before its late market order, takes this leg away.
   */
  keptWithPartner(held: readonly Held[], h: Held, open: (leaderId: number) => boolean): boolean {
    return held.some(
      (o) =>
        o.set === h.set &&
        o.clOrdId !== h.clOrdId &&
        !open(o.leaderId) &&
        this.memo.filledOrder(o.leaderId) !== undefined,
    );
  }

  /** Acts on the sets holding a late order; returns the held orders left for the plan. */
  sort(t: Target, held: readonly Held[], ctx: LateContext): Held[] {
    const rest: Held[] = [];
    const sets = new Map<string, Held[]>();
    for (const h of held) sets.set(h.set, [...(sets.get(h.set) ?? []), h]);
    for (const legs of sets.values()) {
      const leg = legs.find((h) => !ctx.openIds.has(h.leaderId) && this.memo.filledOrder(h.leaderId));
      const filled = leg ? this.memo.filledOrder(leg.leaderId) : undefined;
      if (!leg || !filled) {
        rest.push(...legs);
        continue;
      }
      if (legs.some((h) => h.busy || h.orderId === undefined)) {
        ctx.later(ctx.now + 50);
        continue;
      }
      const decision = lateDecision({
        now: ctx.now,
        afterMs: ctx.afterMs,
        entries: ctx.entries,
        filledAt: filled.filledAt,
        side: leg.side,
        remaining: leg.qty - leg.filled,
        leaderPosition: ctx.leaderPosition,
        followerPosition: ctx.followerPosition,
        wasExit: this.memo.wasExit(leg.leaderId),
        entriesHeld: ctx.entriesHeld,
        cap: ctx.maxContracts ?? DEFAULT_MAX_CONTRACTS,
        behind: behind(leg, filled),
      });
      if (decision.kind === "keep") {
        ctx.later(decision.until);
        continue;
      }
      const market = decision.kind === "market" ? decision : undefined;
      const cap = ctx.maxContracts ?? DEFAULT_MAX_CONTRACTS;
      for (const h of legs) {
        const then = market && h === leg ? () => this.market(t, leg, market, cap) : undefined;
        this.sender.cancel(t, h, decision.reason, then);
      }
    }
    return rest;
  }

  /** The late order is cancelled: what it left unfilled goes to market, sized on what is true now. */
  private market(
    t: Target,
    leg: Held,
    { exit, reason }: { exit: boolean; reason: string },
    cap: number,
  ): void {
    const held = this.heldNow(t, leg, exit);
    if (held !== undefined) {
      this.sender.skipped(t, leg.leaderId, held);
      return;
    }
    const F = positionIn(t.route, t.contract);
    const filled = Math.max(leg.filled, this.orders.filledOfOrder(t.follower, leg.leaderId, leg.orderId));
    const left = leg.qty - filled;
    // An opening passes max contracts as it stands now (a copy may have added since it was placed).
    const qty = Math.min(left, exit ? Math.abs(F) : Math.max(0, cap - Math.max(0, sign(leg.side) * F)));
    if (qty <= 0 || (exit && Math.sign(F) !== -sign(leg.side))) return;
    this.sender.market(t, leg.leaderId, leg.side, qty, exit, reason);
  }

  /**
   * Why the rest may not go now. It waited for its cancel to be done (a Tradovate cancel's answer
   * only says it was taken), and what the trader did meanwhile counts: a flatten owns the account
   * and closes what an exit would (both sent would sell twice); an entry's rest passes the opening
   * gates as they stand now, as a copy would (a follower locked or paused meanwhile buys nothing).
   */
  private heldNow(t: Target, leg: Held, exit: boolean): string | undefined {
    const gate = this.deps.gate(t.follower);
    if (gate.state === "LIQUIDATE_ONLY") return SKIP_REASONS.liquidateOnly;
    if (exit) return undefined;
    const role = this.deps.accounts.role(t.follower);
    if (role?.kind !== "follower" || role.group.name !== t.group) return MIRROR_REASONS.notFollower;
    const leaderContract = this.memo.filledOrder(leg.leaderId)?.contract ?? t.contract;
    return entriesHeld(role.group, role.follower, gate, leaderContract);
  }
}

/**
 * The position the plan's exits may share: what the late exits (the held orders `sort` kept from
 * the plan) will still close is taken off, since each fills or goes to market for what it has left.
 */
export function besideLate(position: number, held: readonly Held[], rest: readonly Held[]): number {
  const late = new Map<string, number>();
  for (const h of held)
    if (!rest.includes(h) && sign(h.side) === -Math.sign(position))
      late.set(h.set, Math.max(late.get(h.set) ?? 0, h.qty - h.filled));
  let left = Math.abs(position);
  for (const qty of late.values()) left -= qty;
  return Math.sign(position) * Math.max(0, left);
}

/**
 * The mirror works at other prices than its leader order filled at: a move of the leader's not
 * mirrored yet. A trailing stop's stop trails by itself at each broker: never behind.
 */
function behind(h: Held, leader: FilledOrder): boolean {
  if (h.orderType === "TrailingStop") return false;
  const limit = h.orderType === "Limit" || h.orderType === "StopLimit";
  return (limit && h.price !== leader.price) || (isStopType(h.orderType) && h.stopPrice !== leader.stopPrice);
}
