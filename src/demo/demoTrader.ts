import type { Side } from "../../engine/types.js";

/** The slice of the simulator's control API the demo trader needs. */
export interface DemoMarket {
  manualTrade(accountName: string, symbol: string, action: Side, qty: number): unknown;
  jumpPrice(symbol: string, delta: number): unknown;
}

export interface DemoTraderOptions {
  leader: string;
  /** Contracts the trader rotates through; include one the group's whitelist holds back. */
  symbols: readonly { name: string; tick: number }[];
  /** Returns a number in [0, 1); seeded in tests. */
  random?: () => number;
  /** Every this many steps, a sharp move against the open position (so a lock shows up). */
  shockEvery?: number;
}

/**
 * Trades the demo leader as a person would in Tradovate: opens, adds, scales out, closes and
 * sometimes flips, across several contracts, with an occasional adverse price shock. Pure
 * decision logic driven by `step()`; the caller owns the timer.
 */
export class DemoTrader {
  private readonly positions = new Map<string, number>();
  private steps = 0;
  private readonly random: () => number;

  constructor(
    private readonly market: DemoMarket,
    private readonly options: DemoTraderOptions,
  ) {
    this.random = options.random ?? Math.random;
  }

  position(symbol: string): number {
    return this.positions.get(symbol) ?? 0;
  }

  step(): void {
    this.steps += 1;
    const { symbols, shockEvery = 9 } = this.options;
    // The first trade is always in the first (whitelisted) symbol, so a newcomer sees a copy at once.
    const pick =
      this.steps === 1 ? symbols[0] : (symbols[Math.floor(this.random() * symbols.length)] ?? symbols[0]);
    if (!pick) return;
    const pos = this.position(pick.name);
    if (this.steps % shockEvery === 0 && pos !== 0) {
      // Against the position: enough ticks to hurt a follower with a tight daily loss limit.
      this.market.jumpPrice(pick.name, -Math.sign(pos) * pick.tick * 60);
      return;
    }
    const roll = this.random();
    if (pos === 0) {
      this.trade(pick.name, roll < 0.5 ? "Buy" : "Sell", 1 + Math.floor(this.random() * 3));
    } else if (roll < 0.3) {
      this.trade(pick.name, pos > 0 ? "Buy" : "Sell", 1 + Math.floor(this.random() * 2));
    } else if (roll < 0.6 && Math.abs(pos) > 1) {
      this.trade(pick.name, pos > 0 ? "Sell" : "Buy", 1);
    } else if (roll < 0.9) {
      this.trade(pick.name, pos > 0 ? "Sell" : "Buy", Math.abs(pos));
    } else {
      this.trade(pick.name, pos > 0 ? "Sell" : "Buy", Math.abs(pos) + 1);
    }
  }

  private trade(symbol: string, action: Side, qty: number): void {
    this.market.manualTrade(this.options.leader, symbol, action, qty);
    this.positions.set(symbol, this.position(symbol) + (action === "Buy" ? qty : -qty));
  }
}
