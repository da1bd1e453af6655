import type { JournalEntry } from "../../data/journal/index.js";
import { reasonNow, type Side, SKIP_REASONS } from "../../engine/index.js";
import { percentile, tally } from "./stats.js";

/**
 * What the journal says about copying: each leader fill with its price, each copy decision with
 * its outcome, reason and latency, each lock. Entries are read defensively: a line written by an
 * older or newer mimik that lacks a field is left out, never a crash.
 */

export interface LeaderFillFact {
  group: string;
  leader: string;
  fillId: number;
  contract: string;
  side: Side;
  qty: number;
  price: number;
  at: number;
}

export interface CopyFact {
  group: string;
  follower: string;
  fillId: number;
  contract: string;
  outcome: string;
  reason: string;
  clOrdId: string | undefined;
  orderId: number | undefined;
  latencyMs: number | undefined;
  at: number;
}

const str = (x: unknown) => (typeof x === "string" ? x : undefined);
const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

export function leaderFillFact(e: JournalEntry): LeaderFillFact | undefined {
  if (e.type !== "leaderFill") return undefined;
  const [group, leader, contract] = [str(e.group), str(e.leader), str(e.contract)];
  const [fillId, qty, price] = [num(e.fillId), num(e.qty), num(e.price)];
  const side = e.side === "Buy" || e.side === "Sell" ? e.side : undefined;
  if (
    !group ||
    !leader ||
    !contract ||
    !side ||
    fillId === undefined ||
    qty === undefined ||
    price === undefined
  )
    return undefined;
  // A fill seen in a snapshot (history) was journaled when seen; it counts on the day it was made.
  const at = num(e.filledAt) ?? Date.parse(e.at);
  return { group, leader, fillId, contract, side, qty, price, at };
}

/** The journal's kinds a report reads (the console's day view adds "risk"). */
export const REPORT_KINDS = ["leaderFill", "copy", "followerState", "bust"] as const;

/** A fill of `account` the broker busted after the fact, as mimik journaled it. */
export interface BustFact {
  account: string;
  fillId: number;
  orderId: number | undefined;
  at: number;
}

export function bustFact(e: JournalEntry): BustFact | undefined {
  if (e.type !== "bust") return undefined;
  const [account, fillId] = [str(e.account), num(e.fillId)];
  if (!account || fillId === undefined) return undefined;
  return { account, fillId, orderId: num(e.orderId), at: Date.parse(e.at) };
}

/** A sample of a follower's day P&L as risk saw it (net liquidation − start of day, open P&L in). */
export interface DayPnlFact {
  follower: string;
  dayPnl: number;
  at: number;
}

export function dayPnlFact(e: JournalEntry): DayPnlFact | undefined {
  if (e.type !== "risk") return undefined;
  const [follower, dayPnl] = [str(e.follower), num(e.dayPnl)];
  if (!follower || dayPnl === undefined) return undefined;
  return { follower, dayPnl, at: Date.parse(e.at) };
}

export function copyFact(e: JournalEntry): CopyFact | undefined {
  if (e.type !== "copy") return undefined;
  const [group, follower, contract, outcome, reason] = [
    str(e.group),
    str(e.follower),
    str(e.contract),
    str(e.outcome),
    str(e.reason),
  ];
  const fillId = num(e.fillId);
  if (!group || !follower || !contract || !outcome || reason === undefined || fillId === undefined)
    return undefined;
  return {
    group,
    follower,
    fillId,
    contract,
    outcome,
    // A journal from before a reason's words changed is tallied with today's (one row per cause).
    reason: reasonNow(reason),
    clOrdId: str(e.clOrdId),
    orderId: num(e.orderId),
    latencyMs: num(e.latencyMs),
    at: Date.parse(e.at),
  };
}

/** A follower's state as the engine told it (after a close-out, a lock by hand, an unlock …). */
export function stateFact(e: JournalEntry): { follower: string; state: string; at: number } | undefined {
  if (e.type !== "followerState") return undefined;
  const [follower, state] = [str(e.follower), str(e.state)];
  return follower && state ? { follower, state, at: Date.parse(e.at) } : undefined;
}

/**
 * Counts each follower's locks: a LOCKED reached from ACTIVE. The engine tells a locked follower's
 * state again whenever something beside it changes (its prices go stale and come back, a save is
 * retried) and at every start, where the lock is restored; a flatten by hand of a follower already
 * locked goes through LIQUIDATE_ONLY back to LOCKED: each is the same lock, until an unlock.
 * Entries go in in journal order, those before the range too, so a lock held across the roll is
 * the day's it began on.
 */
export class LockCounter {
  /** Followers whose current lock is counted (or began before the range). */
  private readonly held = new Set<string>();
  readonly locks = new Map<string, number>();

  constructor(private readonly within: (at: number) => boolean) {}

  add(e: JournalEntry): void {
    const fact = stateFact(e);
    if (!fact) return;
    if (fact.state === "ACTIVE") this.held.delete(fact.follower);
    if (fact.state !== "LOCKED" || this.held.has(fact.follower)) return;
    this.held.add(fact.follower);
    if (this.within(fact.at)) this.locks.set(fact.follower, (this.locks.get(fact.follower) ?? 0) + 1);
  }
}

export interface CopyStats {
  /** Orders sent (openings, exits, flips, resyncs). */
  copies: number;
  /** Copies the broker reported filled. */
  filled: number;
  /**
   * Leader fills the follower's own mirrored order answered (`copy: "orders"`): its mirror filled
   * as the leader's did, so no copy was sent. Neither a copy nor a skip.
   */
  mirrored: number;
  skipped: number;
  /** Skips by reason. */
  skips: Record<string, number>;
  rejected: number;
  rejects: Record<string, number>;
  /** Leader fill frame received → follower order written, ms (as the header measures it). */
  latencyP50: number | undefined;
  latencyP99: number | undefined;
  /** Times the follower was LOCKED. */
  locks: number;
}

/** One follower's copying, from its copy facts and locks (already cut to the range). */
export function copyStats(copies: readonly CopyFact[], locks: number): CopyStats {
  const skips: Record<string, number> = {};
  const rejects: Record<string, number> = {};
  const latencies: number[] = [];
  const filled = new Set<string>();
  let sent = 0;
  let mirrored = 0;
  for (const c of copies) {
    switch (c.outcome) {
      // A shadow follower's would-be order (issue 16) is its copy: decided the same, never sent,
      // so its latency is decision time only and would flatter the copy latency of real orders.
      case "shadow":
        sent += 1;
        break;
      case "sent":
        sent += 1;
        if (c.latencyMs !== undefined) latencies.push(c.latencyMs);
        break;
      case "filled":
        // A copy may fill in parts: it counts once.
        filled.add(c.clOrdId ?? `${c.fillId}:${c.orderId}`);
        break;
      case "skipped":
        // The copier records it as a skip (no copy sent), but the follower has the trade: its mirror
        // filled. Counted with the skips, a day in a mirroring group read as all skipped.
        if (c.reason === SKIP_REASONS.mirrored) mirrored += 1;
        else tally(skips, c.reason);
        break;
      case "rejected":
        tally(rejects, c.reason);
        break;
    }
  }
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return {
    copies: sent,
    filled: filled.size,
    mirrored,
    skipped: total(skips),
    skips,
    rejected: total(rejects),
    rejects,
    latencyP50: microseconds(percentile(latencies, 50)),
    latencyP99: microseconds(percentile(latencies, 99)),
    locks,
  };
}

/** Latency to the microsecond: the clock's float noise below that is not information. */
function microseconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 1000) / 1000;
}

/** The follower order each copy placed → the leader fill it copied (resyncs, fill 0, answer none). */
export function copiedFrom(copies: readonly CopyFact[]): Map<number, number> {
  const links = new Map<number, number>();
  for (const c of copies) if (c.orderId !== undefined && c.fillId > 0) links.set(c.orderId, c.fillId);
  return links;
}
