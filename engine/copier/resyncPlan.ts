import type { Whitelist } from "../../data/schema.js";
import type { SkipReason } from "../types.js";
import { accountCapReason, resyncTarget } from "./accountCap.js";
import { exitGate, type GateContext, hedgeGate, openingGate, tradesGate } from "./gates.js";
import type { HedgeSides } from "./hedgeIndex.js";

/** One out-of-sync line of a follower: what it has and what the rule expects, in one contract. */
export interface SyncLine {
  contract: string;
  has: number;
  expects: number;
  inSync: boolean;
}

export interface ResyncPlan {
  /**
   * Orders to send: the signed difference per contract; `exit` when it only reduces (a held
   * flip's close included), `opens` when it opens exposure (it counts as a trade).
   */
  send: { contract: string; delta: number; exit: boolean; opens: boolean }[];
  /** Contracts whose opening a gate holds back, and which gate. */
  held: { contract: string; reason: SkipReason }[];
}

/**
 * What a resync's openings are judged by: the copy path's opening gates for the follower now
 * (its switches, lock, broker lock, stale prices, trading window, trades left), and the hedge
 * guard's answer per contract.
 */
export interface ResyncGate {
  context: Omit<GateContext, "whitelist" | "leaderContract" | "hedge" | "tradeAlreadyCounted">;
  hedge(contract: string): HedgeSides | undefined;
  /** The follower's `limits.maxOpenContracts`, and what its account counts now on all its lines. */
  account?: { cap: number; open: number } | undefined;
}

// A line whose leader contract is off the group's whitelist expects flat: its fix never opens, so
// the whitelist has nothing left to hold back here.
const EVERYTHING: Whitelist = { enabled: false, symbols: [] };

/**
 * What a resync sends: the difference between what the follower has and what the rule expects,
 * per contract. A fix that opens exposure (grows the position, or crosses to the other side)
 * passes the same gates as a copy's opening, in the same order (the trader's switches and locks,
 * the hedge guard, then trades per day, each opening sent using up one, then the account's max
 * open contracts, the fixes that open sharing what it leaves); held back, a crossing fix still
 * closes what the follower holds. What only reduces always goes, except beside a
 * flatten under way: then nothing does.
 */
export function planResync(lines: readonly SyncLine[], gate: ResyncGate): ResyncPlan {
  const plan: ResyncPlan = { send: [], held: [] };
  let tradesLeft = gate.context.tradesLeft;
  // Each line's expectation leaves room for the others as they stand: fixes that open share it.
  let room = gate.account === undefined ? undefined : Math.max(0, gate.account.cap - gate.account.open);
  // Being flattened, the flatten closes everything: a fix beside its liquidation could sell twice.
  const flattening = exitGate(gate.context);
  for (const line of lines) {
    if (line.inSync) continue;
    const { contract, has, expects } = line;
    if (flattening) {
      plan.held.push({ contract, reason: flattening });
      continue;
    }
    const crosses = Math.sign(expects) * has < 0;
    if (!crosses && Math.abs(expects) <= Math.abs(has)) {
      plan.send.push({ contract, delta: expects - has, exit: true, opens: false });
      continue;
    }
    const ctx = { ...gate.context, whitelist: EVERYTHING, leaderContract: contract, tradesLeft };
    const held =
      openingGate(ctx) ??
      hedgeGate({ ...ctx, hedge: gate.hedge(contract) }, Math.sign(expects)) ??
      tradesGate(ctx);
    const to = room === undefined ? expects : resyncTarget(has, expects, room);
    const full = held === undefined && to === has && gate.account !== undefined;
    if (held === undefined && !full) {
      plan.send.push({ contract, delta: to - has, exit: false, opens: true });
      if (tradesLeft !== undefined) tradesLeft -= 1;
      if (room !== undefined) room -= Math.max(0, Math.abs(to) - Math.abs(has));
      continue;
    }
    plan.held.push({ contract, reason: held ?? accountCapReason(gate.account?.cap ?? 0) });
    if (crosses) plan.send.push({ contract, delta: -has, exit: true, opens: false });
  }
  return plan;
}
