import { describe, expect, it } from "vitest";
import type { Side } from "../../engine/types.js";
import { type DemoMarket, DemoTrader } from "../../src/demo/demoTrader.js";

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

class RecordingMarket implements DemoMarket {
  readonly trades: { account: string; symbol: string; action: Side; qty: number }[] = [];
  readonly shocks: { symbol: string; delta: number }[] = [];
  manualTrade(account: string, symbol: string, action: Side, qty: number) {
    this.trades.push({ account, symbol, action, qty });
  }
  jumpPrice(symbol: string, delta: number) {
    this.shocks.push({ symbol, delta });
  }
}

const symbols = [
  { name: "NQZ6", tick: 0.25 },
  { name: "ESZ6", tick: 0.25 },
  { name: "CLF7", tick: 0.01 },
];

describe("demo trader", () => {
  it("trades only the leader, in every symbol, with positive sizes", () => {
    const market = new RecordingMarket();
    const trader = new DemoTrader(market, { leader: "DEMO1000", symbols, random: seeded(7) });
    for (let i = 0; i < 300; i++) trader.step();
    expect(market.trades.every((t) => t.account === "DEMO1000" && t.qty > 0)).toBe(true);
    expect(new Set(market.trades.map((t) => t.symbol))).toEqual(new Set(symbols.map((s) => s.name)));
  });

  it("tracks its position from its own trades and shocks against it", () => {
    const market = new RecordingMarket();
    const trader = new DemoTrader(market, { leader: "DEMO1000", symbols, random: seeded(3), shockEvery: 4 });
    for (let i = 0; i < 200; i++) trader.step();
    for (const { name } of symbols) {
      const net = market.trades
        .filter((t) => t.symbol === name)
        .reduce((sum, t) => sum + (t.action === "Buy" ? t.qty : -t.qty), 0);
      expect(trader.position(name)).toBe(net);
    }
    expect(market.shocks.length).toBeGreaterThan(0);
  });

  it("closes and flips, not only opens", () => {
    const market = new RecordingMarket();
    const trader = new DemoTrader(market, {
      leader: "DEMO1000",
      symbols: symbols.slice(0, 1),
      random: seeded(11),
    });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const before = trader.position("NQZ6");
      trader.step();
      const after = trader.position("NQZ6");
      if (before !== 0 && after === 0) seen.add("close");
      if (before * after < 0) seen.add("flip");
      if (Math.abs(after) > Math.abs(before) && before !== 0) seen.add("add");
    }
    expect(seen).toEqual(new Set(["close", "flip", "add"]));
  });
});

describe("demo trader's first step", () => {
  it("opens a position in the first symbol", () => {
    const market = new RecordingMarket();
    const trader = new DemoTrader(market, { leader: "DEMO1000", symbols, random: () => 0.99 });
    trader.step();
    expect(market.trades).toEqual([expect.objectContaining({ symbol: "NQZ6", account: "DEMO1000" })]);
  });
});
