import { describe, expect, it } from "vitest";
import { slipOf, slippageStats } from "../../src/report/slippage.js";
import { fifoPairs, roundTrips, type TradeFill, tradeStats } from "../../src/report/trades.js";

/** Fills written as "B2@6800" / "S1@6801.25", one minute apart, ids 1, 2, 3 … */
function fills(spec: string, contract = "ESZ6", startAt = 0): TradeFill[] {
  return spec.split(" ").map((s, i) => {
    const m = /^([BS])(\d+)@([\d.]+)$/.exec(s);
    if (!m) throw new Error(`bad fill ${s}`);
    return {
      id: i + 1,
      contract,
      side: m[1] === "B" ? "Buy" : "Sell",
      qty: Number(m[2]),
      price: Number(m[3]),
      at: startAt + i * 60_000,
    };
  });
}

const ES = () => 50;

describe("FIFO pairs, as Tradovate pairs fills", () => {
  it.each([
    ["open and close", "B2@100 S2@103", [[1, 2, 2, 100, 103]]],
    [
      "add, then close against the oldest first",
      "B2@100 B1@101 S2@103 S1@99",
      [
        [1, 3, 2, 100, 103],
        [2, 4, 1, 101, 99],
      ],
    ],
    [
      "a flip closes, then the rest opens the other side",
      "B1@100 S3@102 B2@101",
      [
        [1, 2, 1, 100, 102],
        [3, 2, 2, 101, 102],
      ],
    ],
    [
      "short first",
      "S2@105 B1@104 B1@106",
      [
        [2, 1, 1, 104, 105],
        [3, 1, 1, 106, 105],
      ],
    ],
    ["nothing closed yet", "B1@100 B1@101", []],
  ])("%s", (_what, spec, expected) => {
    expect(
      fifoPairs(fills(spec)).map((p) => [p.buyFillId, p.sellFillId, p.qty, p.buyPrice, p.sellPrice]),
    ).toEqual(expected);
  });
});

describe("round trips: flat → position → flat", () => {
  it.each([
    ["one long trip, added to", "B2@100 B2@101 S4@103", [["long", 4, 0, 2 * 60_000, (3 * 2 + 2 * 2) * 50]]],
    [
      "a flip ends one trip and starts the next",
      "B1@100 S3@102 B2@101",
      [
        ["long", 1, 0, 60_000, 100],
        ["short", 2, 60_000, 2 * 60_000, 100],
      ],
    ],
    ["still open at the end", "S1@100", [["short", 1, 0, undefined, 0]]],
    ["scaling out over two fills", "B3@100 S1@101 S2@102", [["long", 3, 0, 2 * 60_000, 250]]],
  ])("%s", (_what, spec, expected) => {
    const f = fills(spec);
    expect(
      roundTrips(f, fifoPairs(f), ES).map((t) => [t.side, t.maxQty, t.openedAt, t.closedAt, t.gross]),
    ).toEqual(expected);
  });

  it("a trip's fees are its fills' fees; a flipping fill's go to the trip it closes", () => {
    const f = fills("B1@100 S3@102 B2@101");
    const trips = roundTrips(f, fifoPairs(f), ES, { 1: 1.5, 2: 4.5, 3: 3 });
    expect(trips.map((t) => t.fees)).toEqual([6, 3]);
  });

  it("without a point value the P&L is unknown, not zero", () => {
    const f = fills("B1@100 S1@101");
    expect(roundTrips(f, fifoPairs(f), () => undefined)[0]?.gross).toBeUndefined();
  });
});

describe("an account's day", () => {
  const day = { start: 10 * 60_000, end: 20 * 60_000 };
  const inRange = (at: number) => at >= day.start && at < day.end;

  it("counts what was realized and charged inside the range, trips by when they closed", () => {
    // Fill 1 is yesterday (before the range): its trip closes today, so it is today's trade.
    // Then a losing trip (103 → 102.5), then a short still open at the end.
    const f = [
      ...fills("B2@100", "ESZ6", 0),
      ...fills("S2@102 B1@103 S1@102.5 S1@104", "ESZ6", 11 * 60_000).map((x) => ({ ...x, id: x.id + 1 })),
    ];
    const stats = tradeStats({
      fills: f,
      pairs: fifoPairs(f),
      pointValue: ES,
      fees: { 1: 2, 2: 2, 3: 1, 4: 1, 5: 1 },
      inRange,
    });
    expect(stats).toEqual({
      fills: 4,
      trades: 2,
      wins: 1,
      losses: 1,
      grossPnl: 200 - 25, // +2 × 2 × 50, then 103 → 102.5 is -0.5 × 50
      fees: 5, // the fills inside the range only
      netPnl: 170,
      curve: [198, 197, 171, 170], // after each fill that realized something or paid a fee
    });
  });

  it("a position carried in (the broker pairs its close with a fill it no longer lists) is a trade closed today", () => {
    // Long 1 from before the fills read (fill 1, gone); sold at 105, then a new trip 100 → 99.
    const f = fills("S1@105 B1@100 S1@99", "ESZ6", 11 * 60_000).map((x) => ({ ...x, id: x.id + 1 }));
    const pairs = [
      { buyFillId: 1, sellFillId: 2, qty: 1, buyPrice: 100, sellPrice: 105 },
      { buyFillId: 3, sellFillId: 4, qty: 1, buyPrice: 100, sellPrice: 99 },
    ];
    const stats = tradeStats({ fills: f, pairs, pointValue: ES, fees: undefined, inRange });
    expect([stats.trades, stats.wins, stats.losses, stats.grossPnl]).toEqual([2, 1, 1, 200]);
    expect(roundTrips(f, pairs, ES).map((t) => [t.side, t.closedAt, t.gross])).toEqual([
      ["long", 11 * 60_000, 250],
      ["long", 13 * 60_000, -50],
    ]);
  });

  it("a losing trip counts as a loss after fees; fees not reported stay unknown", () => {
    const f = fills("B1@100 S1@100", "ESZ6", 12 * 60_000);
    const charged = tradeStats({
      fills: f,
      pairs: fifoPairs(f),
      pointValue: ES,
      fees: { 1: 2, 2: 2 },
      inRange,
    });
    expect([charged.wins, charged.losses, charged.netPnl]).toEqual([0, 1, -4]);
    const unreported = tradeStats({
      fills: f,
      pairs: fifoPairs(f),
      pointValue: ES,
      fees: undefined,
      inRange,
    });
    expect([unreported.wins, unreported.losses, unreported.fees, unreported.netPnl]).toEqual([
      0,
      0,
      undefined,
      0,
    ]);
  });
});

describe("copy slippage per contract: positive is what copying cost", () => {
  it.each([
    ["bought 1 tick above the leader", { side: "Buy", price: 6801.25, leaderPrice: 6801 }, 0.25, 50, 1, 12.5],
    ["sold 2 ticks below the leader", { side: "Sell", price: 6800.5, leaderPrice: 6801 }, 0.25, 50, 2, 25],
    [
      "bought below the leader: a gain",
      { side: "Buy", price: 6800.75, leaderPrice: 6801 },
      0.25,
      50,
      -1,
      -12.5,
    ],
    ["same price", { side: "Sell", price: 6801, leaderPrice: 6801 }, 0.25, 50, 0, 0],
    ["a micro follower ($5 a point)", { side: "Buy", price: 6802, leaderPrice: 6801 }, 0.25, 5, 4, 5],
    [
      "crude, where 0.01 ticks are not exact floats",
      { side: "Buy", price: 60.07, leaderPrice: 60.06 },
      0.01,
      1000,
      1,
      10,
    ],
  ] as const)("%s", (_what, fill, tickSize, pointValue, ticks, dollars) => {
    expect(slipOf({ fillId: 1, qty: 1, ...fill, tickSize, pointValue })).toEqual({
      fillId: 1,
      qty: 1,
      ticks,
      dollars,
    });
  });

  it("averages per contract, weighted by size", () => {
    const stats = slippageStats([
      { fillId: 1, qty: 3, ticks: 1, dollars: 12.5 },
      { fillId: 2, qty: 1, ticks: -1, dollars: -12.5 },
    ]);
    expect(stats).toEqual({
      matched: 2,
      contracts: 4,
      ticksPerContract: 0.5,
      dollarsPerContract: 6.25,
      dollars: 25,
    });
    expect(slippageStats([]).ticksPerContract).toBeUndefined();
  });
});
