import type { Side } from "../../engine/index.js";
import { cents } from "./stats.js";

/**
 * Copy slippage: what a follower's fill cost against the leader fill it copied, per contract, in
 * ticks of the follower's contract and in dollars. Positive is a cost (the follower bought higher
 * or sold lower than the leader), negative a gain. A copy always trades the leader fill's side, so
 * the follower fill's own side gives the sign.
 */

export interface SlipInput {
  fillId: number;
  side: Side;
  qty: number;
  price: number;
  /** The leader fill this follower fill answers, and its price. */
  leaderPrice: number;
  tickSize: number;
  pointValue: number;
}

export interface Slip {
  fillId: number;
  qty: number;
  /** Per contract. */
  ticks: number;
  dollars: number;
}

export function slipOf(input: SlipInput): Slip {
  const diff = input.side === "Buy" ? input.price - input.leaderPrice : input.leaderPrice - input.price;
  return {
    fillId: input.fillId,
    qty: input.qty,
    // Prices are floats (6801.25 − 6801 is exact, 60.07 − 60.06 is not): ticks to 1/100.
    ticks: Math.round((diff / input.tickSize) * 100) / 100,
    dollars: cents(diff * input.pointValue),
  };
}

export interface SlippageStats {
  /** Follower fills matched to the leader fill they copied. */
  matched: number;
  /** Contracts in those fills. */
  contracts: number;
  /** Average per contract (weighted by contracts); undefined with nothing matched. */
  ticksPerContract: number | undefined;
  dollarsPerContract: number | undefined;
  /** What slippage cost in all (dollars per contract × contracts). */
  dollars: number | undefined;
}

export function slippageStats(slips: readonly Slip[]): SlippageStats {
  const contracts = slips.reduce((n, s) => n + s.qty, 0);
  if (contracts === 0)
    return {
      matched: 0,
      contracts: 0,
      ticksPerContract: undefined,
      dollarsPerContract: undefined,
      dollars: undefined,
    };
  const ticks = slips.reduce((n, s) => n + s.ticks * s.qty, 0);
  const dollars = slips.reduce((n, s) => n + s.dollars * s.qty, 0);
  return {
    matched: slips.length,
    contracts,
    ticksPerContract: Math.round((ticks / contracts) * 100) / 100,
    dollarsPerContract: cents(dollars / contracts),
    dollars: cents(dollars),
  };
}
