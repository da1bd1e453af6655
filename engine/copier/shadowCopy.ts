import type { Config, Follower, Group } from "../../data/schema.js";
import type { Clock, CopyEvent, FillEvent } from "../types.js";
import { copyEvent } from "./copyEvents.js";
import type { CountedTrades } from "./countedTrades.js";
import { followerDecision } from "./followerDecision.js";
import type { HedgeIndex } from "./hedgeIndex.js";
import type { LeaderBook } from "./leaderBook.js";
import { keptForOtherContracts } from "./mergedLine.js";
import type { FollowerGate } from "./ports.js";

/** A shadow follower's would-be trade: what it would have sent, at the leader's fill price. */
export interface ShadowFill {
  follower: string;
  contract: string;
  /** Signed contracts (Buy when > 0). */
  delta: number;
  price: number;
}

/**
 * Issue 16: each shadow follower's would-be position per contract, from its would-be trades only.
 * Nothing about its account at the broker is ever read into it (what the account really holds is
 * none of the shadow's business), and it lives as long as the process.
 */
export class ShadowBook {
  private readonly lines = new Map<string, Map<string, number>>();

  position(follower: string, contract: string): number {
    return this.lines.get(follower)?.get(contract) ?? 0;
  }

  apply(follower: string, contract: string, delta: number): void {
    let lines = this.lines.get(follower);
    if (!lines) {
      lines = new Map();
      this.lines.set(follower, lines);
    }
    const next = (lines.get(contract) ?? 0) + delta;
    if (next === 0) lines.delete(contract);
    else lines.set(contract, next);
  }

  /**
   * Only the shadows of this config keep their would-be lines: one switched live starts from what
   * its account holds, and one switched back starts flat, as its P&L does.
   */
  setConfig(config: Config): void {
    const shadows = new Set(
      config.groups.flatMap((g) => g.followers.filter((f) => f.shadow)).map((f) => f.account),
    );
    for (const name of this.lines.keys()) if (!shadows.has(name)) this.lines.delete(name);
  }

  /** Its non-zero would-be positions. */
  held(follower: string): { contract: string; netPos: number }[] {
    return [...(this.lines.get(follower) ?? [])].map(([contract, netPos]) => ({ contract, netPos }));
  }
}

export interface ShadowParts {
  clock: Clock;
  gate(follower: string): FollowerGate;
  hedge: HedgeIndex;
  counted: CountedTrades;
  book: ShadowBook;
  /** What each leader holds now (a line two of its contracts share keeps each one's part). */
  leaders: Pick<LeaderBook, "held">;
}

/**
 * The copy rule for a shadow follower, exactly as for a live one (followerDecision) but against its
 * would-be position, and as if always reachable: it needs no connection, since nothing is sent. A
 * decision to send is recorded (outcome "shadow", with side, quantity, contract and reason), moves
 * the would-be position and is handed back as a ShadowFill for risk to value; no order is made.
 */
export function shadowCopy(
  parts: ShadowParts,
  group: Group,
  follower: Follower,
  event: FillEvent,
  move: { contract: string; before: number; after: number; firstOpening: boolean },
  out: { openings: string[]; fills: ShadowFill[] },
): CopyEvent {
  const name = follower.account;
  const { contract } = move;
  const counted = parts.counted.has(name, event.orderId);
  const has = parts.book.position(name, contract);
  // As for a live follower: an exit of one leader contract leaves the part the others hold.
  const step = {
    leaderContract: event.contract,
    before: move.before,
    after: move.after,
    followerContract: contract,
  };
  const kept = keptForOtherContracts(follower, step, parts.leaders.held(group.leader), has, group.whitelist);
  const decision = followerDecision({
    group,
    follower,
    leaderContract: event.contract,
    leaderBefore: move.before,
    leaderAfter: move.after,
    firstOpeningFillOfOrder: move.firstOpening,
    connected: true,
    ordersBacklog: false,
    risk: parts.gate(name),
    tradeAlreadyCounted: counted,
    position: has - kept,
    kept,
    elsewhere: () =>
      parts.book.held(name).reduce((n, p) => n + (p.contract === contract ? 0 : Math.abs(p.netPos)), 0),
    hedge: parts.hedge.sides(name, contract),
  });
  if (decision.action === "skip")
    return copyEvent(parts.clock, group.name, name, event.fillId, contract, {
      outcome: "skipped",
      kind: decision.kind,
      reason: decision.reason,
    });
  parts.book.apply(name, contract, decision.delta);
  out.fills.push({ follower: name, contract, delta: decision.delta, price: event.price });
  if (decision.opening !== 0 && !counted) {
    parts.counted.add(name, event.orderId);
    out.openings.push(name);
  }
  return copyEvent(parts.clock, group.name, name, event.fillId, contract, {
    outcome: "shadow",
    kind: decision.kind,
    reason: decision.reason,
    side: decision.delta > 0 ? "Buy" : "Sell",
    qty: Math.abs(decision.delta),
    latencyMs: parts.clock.mono() - event.receivedAt,
  });
}

/** A would-be flatten: the shadow's would-be position in the contract goes to 0. */
export function shadowFlatten(
  book: ShadowBook,
  follower: string,
  contract: string,
  price: number,
): ShadowFill {
  const delta = -book.position(follower, contract);
  book.apply(follower, contract, delta);
  return { follower, contract, delta, price };
}
