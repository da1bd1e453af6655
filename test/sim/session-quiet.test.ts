import { afterEach, describe, expect, it } from "vitest";
import { type ManualOrder, parseScenario, type Simulator } from "../../engine/sim/index.js";
import { defaultScenario } from "../../engine/sim/scenario.js";
import { clockStartFrom, reopenAfter, sessionCloseAfter } from "../../engine/sim/session.js";
import {
  aboutOrder,
  sequence,
  startSessionSim,
  startSim,
  syncedClient,
  WEDNESDAY_AFTERNOON,
  waitFor,
} from "./helpers.js";

/**
 * The halt and the weekend are quiet on the simulator as on CME Globex: no trade prints, so the
 * price does not walk and resting orders do not fill; a price set in the halt is where the market
 * reopens, and the orders it reached trade at the reopen (a weekend's gap through a stop).
 */

const CLOSE = sessionCloseAfter(WEDNESDAY_AFTERNOON);
const REOPEN = reopenAfter(CLOSE);

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type Terms = Pick<ManualOrder, "orderType" | "price" | "stopPrice" | "timeInForce">;
/** One ESZ6 contract (a Day order unless `terms` says otherwise). */
const es = (action: "Buy" | "Sell", terms: Terms) => ({ symbol: "ESZ6", action, qty: 1, ...terms });
const gtc = (action: "Buy" | "Sell", terms: Terms) => es(action, { timeInForce: "GTC", ...terms });

function clockTo(s: Simulator, at: number): void {
  s.control.advanceClock(Math.max(0, at - Date.parse(s.control.clock().now)));
}

describe("the halt is quiet", () => {
  it("a resting stop and limit the price reaches in the halt stay working; at the reopen they trade, the stop at the gap", async () => {
    const s = await startSessionSim({ varyFrames: false });
    sim = s;
    const c = await syncedClient(s);
    s.control.setPrice("ES", 6800);
    s.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const stop = s.control.placeOrder("DEMO1000", gtc("Sell", { orderType: "Stop", stopPrice: 6795 }));
    const limit = s.control.placeOrder("DEMO2001", gtc("Buy", { orderType: "Limit", price: 6770 }));
    const idOf = (r: unknown) => (r as { orderId: number }).orderId;
    const status = (id: number) => s.control.records().orders.find((o) => o.orderId === id)!.status;
    const netPos = (account: string) =>
      s.control.records().positions.find((p) => p.accountName === account)?.netPos ?? 0;

    clockTo(s, CLOSE + 30 * 60_000); // Wednesday 16:30 CT
    expect(s.control.setPrice("ES", 6760)).toBe(6760);
    expect(s.control.price("ESZ6")).toBe(6760);
    expect([status(idOf(stop)), status(idOf(limit))]).toEqual(["Working", "Working"]);
    expect([netPos("DEMO1000"), netPos("DEMO2001")]).toEqual([1, 0]);

    clockTo(s, REOPEN);
    expect([status(idOf(stop)), status(idOf(limit))]).toEqual(["Filled", "Filled"]);
    expect([netPos("DEMO1000"), netPos("DEMO2001")]).toEqual([0, 1]);
    const fills = s.control
      .records()
      .fills.filter((f) => f.orderId === idOf(stop) || f.orderId === idOf(limit));
    expect(fills.map((f) => [f.orderId, f.price])).toEqual([
      [idOf(stop), 6760],
      [idOf(limit), 6760],
    ]);
    await waitFor(
      () => sequence(aboutOrder(c.props(), idOf(stop))).includes("order Updated Filled"),
      "the stop's fill on the trading socket",
    );
    await c.close();
  });

  it("a limit the gap went through trades at the opening price, never a worse one: a buy below, a sell above", async () => {
    const s = await startSessionSim();
    sim = s;
    s.control.setPrice("ES", 6800);
    s.control.setPrice("NQ", 25000);
    const buy = s.control.placeOrder("DEMO2001", gtc("Buy", { orderType: "Limit", price: 6770 }));
    const sell = s.control.placeOrder("DEMO2002", {
      ...gtc("Sell", { orderType: "Limit", price: 25100 }),
      symbol: "NQZ6",
    });
    const ids = [buy, sell].map((r) => (r as { orderId: number }).orderId);

    clockTo(s, CLOSE + 30 * 60_000);
    s.control.setPrice("ES", 6760);
    s.control.setPrice("NQ", 25150);
    clockTo(s, REOPEN);
    const fills = s.control.records().fills.filter((f) => ids.includes(f.orderId));
    expect(fills.map((f) => [f.orderId, f.price])).toEqual([
      [ids[0], 6760],
      [ids[1], 25150],
    ]);
  });

  it("an order entered in the halt trades only at the reopen: a market buy and a limit the market is through at the opening price; an IOC ends unfilled", async () => {
    const s = await startSessionSim({ clock: CLOSE + 30 * 60_000 }); // Wednesday 16:30 CT
    sim = s;
    s.control.setPrice("ES", 6800);
    const market = s.control.placeOrder("DEMO1000", es("Buy", { orderType: "Market" }));
    const limit = s.control.placeOrder("DEMO2001", gtc("Buy", { orderType: "Limit", price: 6805 }));
    const ioc = s.control.placeOrder(
      "DEMO2002",
      es("Buy", { orderType: "Limit", price: 6805, timeInForce: "IOC" }),
    );
    const ids = [market, limit, ioc].map((r) => (r as { orderId: number }).orderId);
    const statuses = () => ids.map((id) => s.control.records().orders.find((o) => o.orderId === id)!.status);
    const fillsOf = () =>
      s.control
        .records()
        .fills.filter((f) => ids.includes(f.orderId))
        .map((f) => [f.orderId, f.price]);
    expect(fillsOf()).toEqual([]);
    expect(statuses()).toEqual(["Working", "Working", "Canceled"]);
    expect(s.control.records().positions.filter((p) => p.netPos !== 0)).toEqual([]);

    s.control.setPrice("ES", 6790); // the market reopens $500 lower
    clockTo(s, REOPEN);
    expect(fillsOf()).toEqual([
      [ids[0], 6790],
      [ids[1], 6790],
    ]);
    expect(statuses()).toEqual(["Filled", "Filled", "Canceled"]);
  });

  it("a clock moved from the halt past the next close (a machine asleep a day) reopens first: a Day limit the gap went through fills at the open, not expires", async () => {
    const s = await startSessionSim({ clock: CLOSE + 30 * 60_000 }); // Wednesday 16:30 CT
    sim = s;
    s.control.setPrice("ES", 6800);
    const day = s.control.placeOrder("DEMO2001", es("Buy", { orderType: "Limit", price: 6790 }));
    const id = (day as { orderId: number }).orderId;
    s.control.setPrice("ES", 6780);
    clockTo(s, sessionCloseAfter(REOPEN) + 30 * 60_000); // Thursday 16:30 CT
    expect(s.control.records().orders.find((o) => o.orderId === id)!.status).toBe("Filled");
    expect(
      s.control
        .records()
        .fills.filter((f) => f.orderId === id)
        .map((f) => f.price),
    ).toEqual([6780]);
    expect(s.control.records().positions.find((p) => p.accountName === "DEMO2001")?.netPos).toBe(1);
  });

  it("the price walk stands still in the halt and walks again from the reopen", async () => {
    const s = await startSessionSim({ clock: CLOSE + 30 * 60_000, priceIntervalMs: 5 });
    sim = s;
    const before = s.control.price("ES");
    // Forty steps' time at least: on the walk's seed the price would have moved.
    await new Promise((r) => setTimeout(r, 200));
    expect(s.control.price("ES")).toBe(before);
    clockTo(s, REOPEN);
    await waitFor(() => s.control.price("ES") !== before, "the walk after the reopen");
  });

  it("the weekend is quiet too: Saturday's price reaches a stop only at Sunday's 17:00 CT reopen", async () => {
    const saturday = Date.parse("2026-07-18T17:00:00Z");
    const s = await startSessionSim({ clock: saturday });
    sim = s;
    s.control.setPrice("ES", 6800);
    s.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const stop = s.control.placeOrder("DEMO1000", gtc("Sell", { orderType: "Stop", stopPrice: 6790 }));
    s.control.setPrice("ES", 6780);
    const status = () =>
      s.control.records().orders.find((o) => o.orderId === (stop as { orderId: number }).orderId)!.status;
    expect(status()).toBe("Working");
    clockTo(s, reopenAfter(saturday) - 1000); // Sunday 16:59:59 CT
    expect(status()).toBe("Working");
    clockTo(s, reopenAfter(saturday));
    expect(status()).toBe("Filled");
  });
});

describe("the gap at the reopen is the new trade date's", () => {
  it("a daily loss limit counts it from the close's price: a position the gap takes past the limit is liquidated and locked", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "prop",
          password: "prop",
          accounts: [{ name: "APEX3001", balance: 50_000, dailyLossAutoLiq: 400 }],
        },
      ],
    });
    const s = await startSessionSim({ scenario });
    sim = s;
    s.control.setPrice("ES", 6800);
    s.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    s.control.setPrice("ES", 6798); // $100 down at the close: within the day's $400
    const netPos = () => s.control.records().positions.find((p) => p.accountName === "APEX3001")?.netPos ?? 0;

    clockTo(s, CLOSE + 30 * 60_000);
    s.control.setPrice("ES", 6780); // the market reopens $900 below the close
    expect(netPos()).toBe(1);
    clockTo(s, REOPEN);
    expect(netPos()).toBe(0);
    expect(s.control.manualTrade("APEX3001", "ESZ6", "Buy", 1)).toMatchObject({
      failureReason: "TradingLocked",
    });
  });
});

describe("the first trade after the reopen, before the clock has rolled the day (its tick comes up to a second late)", () => {
  it("waits for the roll: the stop it reaches fills on the new trade date, its loss in that day's realized P&L", async () => {
    const s = await startSessionSim({ clock: CLOSE - 1000 });
    sim = s;
    s.control.setPrice("ES", 6800);
    s.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1); // before the close: nothing trades in the halt
    clockTo(s, REOPEN - 300);
    const stop = s.control.placeOrder("DEMO1000", gtc("Sell", { orderType: "Stop", stopPrice: 6790 }));
    s.control.setPrice("ES", 6780);
    await waitFor(() => Date.parse(s.control.clock().now) >= REOPEN, "the reopen's instant");
    // A walk step or a price set now, ahead of the clock's next tick.
    s.control.setPrice("ES", 6779.75);
    s.control.advanceClock(0); // the tick: the trade date rolls
    const fill = s.control.records().fills.find((f) => f.orderId === (stop as { orderId: number }).orderId);
    expect(fill).toBeDefined();
    // 6779.75, or 6780 had the clock's own tick come first: either way the day's loss is the stop's.
    const cash = s.control.records().cashBalances.find((b) => b.accountName === "DEMO1000")!;
    expect(cash.realizedPnL).toBe((fill!.price - 6800) * 50);
    expect(cash.realizedPnL).toBeLessThan(0);
  });
});

describe("a simulator that keeps no session (alwaysOpen)", () => {
  it("trades in what would be the halt, and its Day orders work past the close", async () => {
    const s = await startSim({ clock: CLOSE - 1000 });
    sim = s;
    s.control.setPrice("ES", 6800);
    const day = s.control.placeOrder("DEMO1000", es("Buy", { orderType: "Limit", price: 6790 }));
    clockTo(s, CLOSE + 30 * 60_000);
    const status = () =>
      s.control.records().orders.find((o) => o.orderId === (day as { orderId: number }).orderId)!.status;
    expect(status()).toBe("Working");
    s.control.setPrice("ES", 6790);
    expect(status()).toBe("Filled");
  });
});

describe("where the clock starts", () => {
  it.each([
    ["absent: the machine's time", undefined, undefined],
    ["empty: the machine's time", " ", undefined],
    ["an ISO instant", "2026-07-15T21:30:00Z", Date.parse("2026-07-15T21:30:00Z")],
    ["an ISO instant with an offset", "2026-07-15T16:30:00-05:00", Date.parse("2026-07-15T21:30:00Z")],
  ])("MIMIK_SIM_CLOCK %s", (_what, value, at) => {
    expect(clockStartFrom(value)).toBe(at);
  });

  it.each([["tomorrow"], ["1752615000000"], ["2026-13-45T00:00:00Z"]])(
    "MIMIK_SIM_CLOCK %s is refused, saying what it wants",
    (value) => {
      expect(() => clockStartFrom(value)).toThrow(/MIMIK_SIM_CLOCK must be an ISO instant/);
    },
  );

  it("MIMIK_SIM_CLOCK starts a simulator that keeps a session; one that keeps none starts at the machine's time", async () => {
    const before = process.env.MIMIK_SIM_CLOCK;
    process.env.MIMIK_SIM_CLOCK = "2026-07-15T21:30:00Z";
    try {
      const halted = await startSim({ alwaysOpen: false });
      const open = await startSim();
      const halt = Date.parse(halted.control.clock().now);
      const machine = Date.parse(open.control.clock().now);
      await Promise.all([halted.close(), open.close()]);
      expect(halt - Date.parse("2026-07-15T21:30:00Z")).toBeLessThan(60_000);
      expect(Math.abs(machine - Date.now())).toBeLessThan(60_000);
    } finally {
      if (before === undefined) delete process.env.MIMIK_SIM_CLOCK;
      else process.env.MIMIK_SIM_CLOCK = before;
    }
  });

  it("a simulator started at an instant reads it; a bad one is refused", async () => {
    const s = await startSessionSim();
    sim = s;
    const read = Date.parse(s.control.clock().now);
    expect(read).toBeGreaterThanOrEqual(WEDNESDAY_AFTERNOON);
    expect(read - WEDNESDAY_AFTERNOON).toBeLessThan(60_000);
    expect(Date.parse(s.control.clock().sessionEnd)).toBe(CLOSE);
    await expect(startSessionSim({ clock: Number.NaN })).rejects.toThrow(/clock must be an instant/);
  });
});
