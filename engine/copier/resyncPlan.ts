import type { Whitelist } from "../../data/schema.js";
import type { SkipReason } from "../types.js";
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
}

// A line whose leader contract is off the group's whitelist expects flat: its fix never opens, so
// the whitelist has nothing left to hold back here.
const EVERYTHING: Whitelist = { enabled: false, symbols: [] };

/**
 * What a resync sends: the difference between what the follower has and what the rule expects,
 * per contract. A fix that opens exposure (grows the position, or crosses to the other side)
 * passes the same gates as a copy's opening, in the same order (the trader's switches and locks,
 * the hedge guard, then trades per day, each opening sent using up one); held back, a crossing
 * fix still closes what the follower holds. What only reduces always goes, except beside a
 * flatten under way: then nothing does.
 */
export function planResync(lines: readonly SyncLine[], gate: ResyncGate): ResyncPlan {
  const plan: ResyncPlan = { send: [], held: [] };
  let tradesLeft = gate.context.tradesLeft;
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
    if (held === undefined) {
      plan.send.push({ contract, delta: expects - has, exit: false, opens: true });
      if (tradesLeft !== undefined) tradesLeft -= 1;
      continue;
    }
    plan.held.push({ contract, reason: held });
    if (crosses) plan.send.push({ contract, delta: -has, exit: true, opens: false });
  }
  return plan;
}
