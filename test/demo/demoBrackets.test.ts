/**
 * The demo trader's brackets (issue 14), on the real simulator's control: now and then an entry at
 * market with a stop and a target, sometimes its stop moved to break-even, the position left to
 * the bracket while it works, and never a leg left behind once the position is gone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import { DemoTrader } from "../../src/demo/demoTrader.js";

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const symbols = [
  { name: "NQZ6", tick: 0.25 },
  { name: "ESZ6", tick: 0.25 },
];

describe("demo trader with brackets", () => {
  it("enters with brackets, moves stops to break-even, lets them work, and leaves no leg behind", async () => {
    sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    const control = sim.control;
    const moves: number[] = [];
    const market = Object.assign(Object.create(control) as typeof control, {
      modifyOrder: (orderId: number, change: { stopPrice: number }) => {
        moves.push(change.stopPrice);
        return control.modifyOrder(orderId, change);
      },
    });
    const trader = new DemoTrader(market, {
      leader: "DEMO1000",
      symbols,
      random: seeded(5),
      bracketEvery: 3,
    });
    const rnd = seeded(99);
    let sawLegs = 0;
    for (let i = 0; i < 150; i++) {
      trader.step();
      // The market wanders, so legs fill now and then.
      for (const { name } of symbols) control.jumpPrice(name, Math.round((rnd() - 0.5) * 16) * 0.25);
      const records = control.records();
      const legs = records.workingOrders.filter((o) => o.accountName === "DEMO1000");
      if (legs.length > 0) sawLegs += 1;
      for (const { name } of symbols) {
        const net =
          records.positions.find((p) => p.accountName === "DEMO1000" && p.contract === name)?.netPos ?? 0;
        const mine = legs.filter((o) => o.symbol === name);
        // Legs work only against a position, and go with it.
        if (net === 0) expect(mine).toEqual([]);
        else expect(mine.every((o) => (o.action === "Buy" ? 1 : -1) === -Math.sign(net))).toBe(true);
      }
    }
    const orders = control.records().orders.filter((o) => o.accountName === "DEMO1000");
    const brackets = orders.filter((o) => o.parentId !== undefined);
    expect(brackets.length).toBeGreaterThan(4);
    expect(sawLegs).toBeGreaterThan(10);
    expect(orders.every((o) => !o.isAutomated)).toBe(true);
    expect(
      orders.some((o) => o.orderType === "Stop" && o.parentId !== undefined && o.stopPrice !== undefined),
    ).toBe(true);
    expect(moves.length).toBeGreaterThan(0);
  });

  it("tracks its position from the broker once a leg has filled on its own", async () => {
    sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    const control = sim.control;
    const trader = new DemoTrader(control, {
      leader: "DEMO1000",
      symbols: symbols.slice(1),
      random: () => 0.1,
      bracketEvery: 1,
      shockEvery: 1000,
    });
    trader.step(); // flat and a bracket step: a bracket
    const pos = trader.position("ESZ6");
    expect(Math.abs(pos)).toBeGreaterThan(0);
    expect(control.records().workingOrders.filter((o) => o.accountName === "DEMO1000")).toHaveLength(2);
    control.jumpPrice("ESZ6", pos > 0 ? 10 : -10); // through the target: flat without the trader
    trader.step(); // it sees the flat, so it may bracket again
    const broker = control
      .records()
      .positions.find((p) => p.accountName === "DEMO1000" && p.contract === "ESZ6");
    expect(trader.position("ESZ6")).toBe(broker?.netPos ?? 0);
    const exits = control
      .records()
      .fills.filter((f) => f.accountName === "DEMO1000" && f.action === (pos > 0 ? "Sell" : "Buy"));
    expect(exits.map((f) => f.qty)).toEqual([Math.abs(pos)]);
  });
});
