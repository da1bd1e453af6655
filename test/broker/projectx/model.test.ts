import { describe, expect, it } from "vitest";
import { ProjectXModel } from "../../../engine/broker/projectx/model.js";
import { projectxSymbols } from "../../../engine/broker/projectx/symbols.js";
import type { PxOrder, PxTrade } from "../../../engine/broker/projectx/wire.js";

const ACCOUNT = 11;
const ES = "CON.F.US.EP.Z26";

function model() {
  const m = new ProjectXModel("px", projectxSymbols(), () => 1_000);
  m.setAccounts([{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }], undefined);
  m.applySnapshot(
    {
      accounts: [{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }],
      positions: [],
      orders: [],
      ended: [],
      trades: [],
    },
    true,
  );
  return m;
}

const order = (fillVolume: number, patch: Partial<PxOrder> = {}): PxOrder => ({
  id: 500,
  accountId: ACCOUNT,
  contractId: ES,
  status: fillVolume >= 3 ? 2 : 1,
  side: 0,
  size: 3,
  type: 2,
  limitPrice: undefined,
  stopPrice: undefined,
  fillVolume,
  filledPrice: fillVolume > 0 ? 6000 : undefined,
  customTag: "mk-9-11",
  created: 1_000,
  updated: 2_000,
  ...patch,
});

const trade = (id: number, size: number, patch: Partial<PxTrade> = {}): PxTrade => ({
  id,
  accountId: ACCOUNT,
  contractId: ES,
  price: 6000,
  side: 0,
  size,
  voided: false,
  orderId: 500,
  at: 2_000,
  profitAndLoss: undefined,
  fees: 2.25,
  ...patch,
});

describe("ProjectX model: fills from trades and order updates, each once", () => {
  it("an order's status names its contract, its spec unknown (a leader's order cancelled in a contract it never traded)", () => {
    const m = model();
    expect(m.contract(ES)).toBeUndefined();
    m.applyOrder(order(0, { type: 1, limitPrice: 5990 }));
    const [status] = m.applyOrder(order(0, { type: 1, limitPrice: 5990, status: 3 })).events;
    expect(status).toMatchObject({
      type: "orderStatus",
      status: "Canceled",
      contractId: ES,
      contract: "ESZ6",
    });
  });

  it("a Pending order (6, how a bracket leg waits for its entry) is marked as maybe a leg; once Open it is not", () => {
    const m = model();
    const leg = order(0, { id: 502, side: 1, size: 2, type: 4, stopPrice: 5990, status: 6 });
    m.applyOrder(leg);
    expect(m.workingOrders(ACCOUNT)).toMatchObject([
      { orderId: 502, status: "PendingNew", legInWaiting: true },
    ]);
    m.applyOrder({ ...leg, status: 1 });
    expect(m.workingOrders(ACCOUNT)[0]).not.toHaveProperty("legInWaiting");
  });

  it("an order's terms and fills are an orderUpdate once per change, and what workingOrders lists", () => {
    const m = model();
    const stop = order(0, { id: 501, side: 1, size: 2, type: 4, stopPrice: 5990, customTag: "mm-7-1" });
    const [status, update] = m.applyOrder(stop).events;
    expect(status).toMatchObject({ type: "orderStatus", status: "Working" });
    const view = {
      orderId: 501,
      accountId: ACCOUNT,
      contractId: ES,
      contract: "ESZ6",
      side: "Sell",
      orderType: "Stop",
      qty: 2,
      filledQty: 0,
      stopPrice: 5990,
      status: "Working",
      clOrdId: "mm-7-1",
      placedAt: 1_000,
    };
    expect(update).toEqual({ type: "orderUpdate", connection: "px", order: view });
    expect(m.workingOrders(ACCOUNT)).toEqual([view]);
    // A repeat says nothing; a move says the new price.
    expect(m.applyOrder({ ...stop, updated: 3_000 }).events).toEqual([]);
    expect(m.applyOrder({ ...stop, stopPrice: 5995 }).events).toEqual([
      { type: "orderUpdate", connection: "px", order: { ...view, stopPrice: 5995 } },
    ]);
    expect(m.orderType(501)).toBe("Stop");
    // Cancelled: said once, and no longer working.
    expect(m.applyOrder({ ...stop, status: 3 }).events.map((e) => e.type)).toEqual([
      "orderStatus",
      "orderUpdate",
    ]);
    expect(m.workingOrders(ACCOUNT)).toEqual([]);
  });

  it("a trade is a fill named by its id, with the order's customTag as clOrdId; a repeat is nothing", () => {
    const m = model();
    expect(m.applyOrder(order(0)).events.map((e) => e.type)).toEqual(["orderStatus", "orderUpdate"]);
    const { gap } = m.applyOrder(order(2));
    expect(gap).toBe(true);
    const [fill] = m.applyTrade(trade(900, 2), 7);
    expect(fill).toMatchObject({
      type: "fill",
      fillId: 900,
      qty: 2,
      contract: "ESZ6",
      clOrdId: "mk-9-11",
      receivedAt: 7,
    });
    expect(m.applyTrade(trade(900, 2), 8)).toEqual([]);
    // The trade came: nothing is left to take from the order.
    expect(m.synthesize(500, 9)).toEqual([]);
  });

  it("an order whose trade never comes gives its fill from fillVolume; the late trade is absorbed", () => {
    const m = model();
    m.applyOrder(order(0));
    m.applyOrder(order(2));
    const [synth] = m.synthesize(500, 9);
    expect(synth).toMatchObject({ type: "fill", qty: 2, price: 6000, clOrdId: "mk-9-11" });
    expect(synth?.type === "fill" && synth.fillId).toBeLessThan(0);
    // The same gap again gives nothing; the trade arriving late is counted already.
    expect(m.synthesize(500, 10)).toEqual([]);
    expect(m.applyTrade(trade(901, 2), 11)).toEqual([]);
    // The last contract comes as a trade: a fill of 1.
    m.applyOrder(order(3));
    expect(m.applyTrade(trade(902, 1), 12)).toEqual([expect.objectContaining({ fillId: 902, qty: 1 })]);
  });

  it("a voided trade is no gap in its order: its fillVolume is never made up into a fill again", () => {
    // The order's update (fillVolume 1) comes before its trade, so the intake waits for the trade;
    // the trade comes, then its void (the order still reads fillVolume 1). When the wait ends, the
    // busted contract must not come back as a fill made up from fillVolume: a phantom leader fill.
    const m = model();
    expect(m.applyOrder(order(1)).gap).toBe(true);
    expect(m.applyTrade(trade(900, 1), 1)).toEqual([expect.objectContaining({ fillId: 900, qty: 1 })]);
    expect(m.applyTrade(trade(900, 1, { voided: true }), 2)).toEqual([
      expect.objectContaining({ type: "fillBusted", fillId: 900 }),
    ]);
    expect(m.synthesize(500, 3)).toEqual([]);
    // The order's next contract still fills as usual.
    m.applyOrder(order(2));
    expect(m.applyTrade(trade(901, 1), 4)).toEqual([expect.objectContaining({ fillId: 901, qty: 1 })]);
    expect(m.synthesize(500, 5)).toEqual([]);
  });

  it("an order update that repeats an older state never moves fillVolume back", () => {
    const m = model();
    m.applyOrder(order(2));
    m.applyTrade(trade(900, 2), 1);
    expect(m.applyOrder(order(1)).gap).toBe(false);
    expect(m.synthesize(500, 2)).toEqual([]);
  });

  it("a trade heard before its order is counted once the order arrives: never a second fill", () => {
    // The hub's events may come out of order: a fill made up from the order's fillVolume on top
    // of the trade's would copy a leader's fill twice.
    const m = model();
    expect(m.applyTrade(trade(900, 2), 1)).toEqual([expect.objectContaining({ fillId: 900, qty: 2 })]);
    expect(m.applyOrder(order(2)).gap).toBe(false);
    expect(m.synthesize(500, 2)).toEqual([]);
    m.applyOrder(order(3));
    expect(m.synthesize(500, 3)).toEqual([expect.objectContaining({ qty: 1 })]);
  });

  it("snapshot trades are history; a voided trade takes back the fill it was", () => {
    const m = new ProjectXModel("px", projectxSymbols(), () => 1_000);
    m.setAccounts([{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }], undefined);
    const events = m.applySnapshot(
      {
        accounts: [{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: false }],
        positions: [{ accountId: ACCOUNT, contractId: ES, netPos: -2, averagePrice: 6001 }],
        orders: [order(3)],
        ended: [],
        trades: [trade(800, 3)],
      },
      true,
    );
    expect(events[0]).toMatchObject({
      type: "sync",
      fillIds: [],
      positions: [expect.objectContaining({ contract: "ESZ6", netPos: -2 })],
    });
    // Never had live: out once for the journal, after the sync.
    expect(events.filter((e) => e.type === "historyFill").map((e) => e.fillId)).toEqual([800]);
    // Its order is listed open: known, and so is whose it is.
    expect(events.find((e) => e.type === "historyFill")).not.toHaveProperty("orderUnknown");
    expect(m.applyTrade(trade(800, 3), 1)).toEqual([]);
    expect(m.synthesize(500, 1)).toEqual([]);
    const [fill] = m.applyTrade(trade(801, 1, { orderId: 501 }), 2);
    expect(m.applyTrade(trade(801, 1, { orderId: 501, voided: true }), 3)).toEqual([
      expect.objectContaining({
        type: "fillBusted",
        fillId: fill?.type === "fill" ? fill.fillId : -1,
        qty: 1,
      }),
    ]);
  });

  it("a trade voided while the hub was away is a bust once, as history; a synthesized fill's trade is no second history fill", () => {
    const m = model();
    m.applyOrder(order(1));
    m.applyTrade(trade(810, 1), 1);
    m.applyOrder(order(2, { id: 501 }));
    expect(m.synthesize(501, 2)).toEqual([expect.objectContaining({ qty: 2 })]);
    const read = (trades: PxTrade[]) =>
      m
        .applySnapshot(
          { accounts: [], positions: [], orders: [order(1), order(2, { id: 501 })], ended: [], trades },
          false,
        )
        .filter((e) => e.type === "fillBusted" || e.type === "historyFill");
    const gap = [
      trade(810, 1, { voided: true }),
      trade(811, 2, { orderId: 501 }),
      trade(812, 1, { voided: true }),
    ];
    expect(read(gap)).toEqual([
      expect.objectContaining({ type: "fillBusted", fillId: 810, qty: 1, history: true }),
      // Never had: out for the copier, which journals it only if the journal has the trade.
      expect.objectContaining({ type: "fillBusted", fillId: 812, history: true }),
    ]);
    expect(read(gap)).toEqual([]);
    expect(m.applyTrade(trade(810, 1, { voided: true }), 3)).toEqual([]);
  });

  it("accounts: cash and canTrade as balance and broker-lock events, only for the configured accounts", () => {
    const m = model();
    expect(m.applyAccount({ id: ACCOUNT, name: "TSX1", balance: 49_000, canTrade: false })).toEqual([
      {
        type: "balance",
        connection: "px",
        accountId: ACCOUNT,
        amount: 49_000,
        realizedPnL: 0,
        dayStart: { tradingDay: "1970-01-01", balance: 49_000 },
      },
      {
        type: "riskStatus",
        connection: "px",
        accountId: ACCOUNT,
        adminAction: "canTrade: false",
        liquidateOnly: false,
        locked: true,
      },
    ]);
    expect(m.applyAccount({ id: 99, name: "OTHER", balance: 1, canTrade: true })).toEqual([]);
    expect(m.applyTrade(trade(700, 1, { accountId: 99 }), 1)).toEqual([]);
  });
});

describe("ProjectX model: a resync's open orders are the whole truth", () => {
  // projectx-protocol.md "Real time" and "Endpoints": events missed while the hub was down are
  // gone; Order/search lists the window's orders with their status, so one it leaves out no longer works.
  it("an order that finished while the hub was down is no longer listed as working after the resync", () => {
    const m = model();
    const limit = order(0, { id: 600, type: 1, limitPrice: 5900, customTag: "mk-1-11" });
    m.applyOrder(limit);
    expect(m.workingOrders(ACCOUNT).map((o) => o.orderId)).toEqual([600]);
    const other = order(0, { id: 601, type: 4, side: 1, stopPrice: 5800 });
    m.applySnapshot(
      {
        accounts: [{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }],
        positions: [],
        orders: [other],
        ended: [],
        trades: [],
      },
      false,
    );
    expect(m.workingOrders(ACCOUNT).map((o) => o.orderId)).toEqual([601]);
    // Still known for the trades that name it: a late one keeps its clOrdId.
    expect(m.applyTrade(trade(990, 1, { orderId: 600 }), 5)).toEqual([
      expect.objectContaining({ fillId: 990, clOrdId: "mk-1-11" }),
    ]);
  });
});

describe("ProjectX model: a snapshot's fills are history", () => {
  // projectx-protocol.md "Endpoints": Trade/search is read back for the last day only, while an
  // order can work for days. An order filled in part before that window shows a fillVolume no
  // trade read back accounts for: that fill is history too, never one to copy now.
  it("a working order filled in part before the trades read back gives no fill", () => {
    const m = new ProjectXModel("px", projectxSymbols(), () => 1_000);
    m.setAccounts([{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }], undefined);
    m.applySnapshot(
      {
        accounts: [{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }],
        positions: [{ accountId: ACCOUNT, contractId: ES, netPos: 1, averagePrice: 6000 }],
        orders: [order(1, { type: 1, limitPrice: 6000 })],
        ended: [],
        trades: [],
      },
      true,
    );
    expect(m.synthesize(500, 1)).toEqual([]);
    // A fill after the snapshot still comes, from its trade or from fillVolume.
    m.applyOrder(order(2, { type: 1, limitPrice: 6000 }));
    expect(m.synthesize(500, 2)).toEqual([expect.objectContaining({ qty: 1 })]);
  });

  it("a gap the live events showed before a resync still waits for its trade", () => {
    const m = model();
    m.applyOrder(order(1, { type: 1, limitPrice: 6000 }));
    m.applySnapshot(
      {
        accounts: [{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }],
        positions: [{ accountId: ACCOUNT, contractId: ES, netPos: 2, averagePrice: 6000 }],
        orders: [order(2, { type: 1, limitPrice: 6000 })],
        ended: [],
        trades: [],
      },
      false,
    );
    // The contract filled while the hub was down is history; the one seen live is still owed.
    expect(m.synthesize(500, 1)).toEqual([expect.objectContaining({ qty: 1 })]);
  });
});

describe("ProjectX model: one account read again on a live hub", () => {
  function two() {
    const accounts = [
      { id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true },
      { id: 12, name: "TSX2", balance: 50_000, canTrade: true },
    ];
    const m = new ProjectXModel("px", projectxSymbols(), () => 1_000);
    m.setAccounts(accounts, undefined);
    m.applySnapshot({ accounts, positions: [], orders: [], ended: [], trades: [] }, true);
    for (const accountId of [ACCOUNT, 12]) {
      m.applyPosition({ accountId, contractId: ES, netPos: 1, averagePrice: 6000 });
      m.applyOrder(order(0, { id: 600 + accountId, accountId, status: 1, customTag: `mm-1-${accountId}` }));
    }
    return m;
  }

  it("is the truth for that account alone: the venue's positions, even ahead of the hub's", () => {
    const m = two();
    const lost = order(0, { id: 700, status: 1, type: 1, limitPrice: 6020, customTag: "mm-2-11" });
    // A lost exit closed the account; the hub has not told of it yet (its events lag).
    const exit = trade(90, 1, { orderId: 701, side: 1, price: 6010 });
    const events = m.applySnapshot(
      { accounts: [], positions: [], orders: [lost], ended: [], trades: [exit] },
      false,
      new Set([ACCOUNT]),
    );
    expect(events).toEqual([
      {
        type: "sync",
        connection: "px",
        initial: false,
        accounts: [{ id: ACCOUNT, name: "TSX1" }],
        positions: [],
        fillIds: [],
        // Its order (701) is not among the open ones: whose trade it was is not known.
        fills: [expect.objectContaining({ type: "historyFill", fillId: 90, orderUnknown: true })],
      },
      expect.objectContaining({ type: "historyFill", fillId: 90, qty: 1, side: "Sell", price: 6010 }),
    ]);
    // The order it no longer lists ended; the one it lists, whose answer was lost, is working.
    expect(m.workingOrders(ACCOUNT).map((o) => o.clOrdId)).toEqual(["mm-2-11"]);
    expect(m.positions(ACCOUNT)).toEqual([]);
    // The exit's order and trade, told late by the hub, are history: never a second fill.
    expect(m.applyOrder(order(1, { id: 701, side: 1, size: 1, status: 2, filledPrice: 6010 })).gap).toBe(
      false,
    );
    expect(m.applyTrade(exit, 2)).toEqual([]);
    expect(m.synthesize(701, 3)).toEqual([]);
    expect(m.workingOrders(12).map((o) => o.clOrdId)).toEqual(["mm-1-12"]);
    expect(m.positions(12).map((p) => p.netPos)).toEqual([1]);
    expect(m.cashBalance(ACCOUNT)?.amount).toBe(50_000);
  });
});

describe("ProjectX model: fills told by trades alone (no order report after them)", () => {
  it("an open order's trades fill it: in part, then whole, and it is no longer working", () => {
    const m = model();
    m.applyOrder(order(0, { type: 1, limitPrice: 6000 }));
    const first = m.applyTrade(trade(800, 1), 5);
    expect(first.filter((e) => e.type === "fill")).toHaveLength(1);
    expect(first).toContainEqual(
      expect.objectContaining({ type: "orderUpdate", order: expect.objectContaining({ filledQty: 1 }) }),
    );
    expect(m.workingOrders(ACCOUNT).map((o) => o.filledQty)).toEqual([1]);
    const rest = m.applyTrade(trade(801, 2), 6);
    expect(rest).toContainEqual(
      expect.objectContaining({ type: "orderStatus", orderId: 500, status: "Filled" }),
    );
    expect(rest.filter((e) => e.type === "fill")).toEqual([expect.objectContaining({ fillId: 801, qty: 2 })]);
    expect(m.workingOrders(ACCOUNT)).toEqual([]);
    // The order's own report, late, changes nothing and makes up no fill.
    const late = m.applyOrder(order(3, { type: 1, limitPrice: 6000 }));
    expect(late).toEqual({ events: [], gap: false });
  });
});

describe("ProjectX model: the day's ended orders name their trades", () => {
  // Order/search lists the window's orders, ended ones too: a trade of an order that ended while
  // mimik was away carries its customTag (mimik's copy, or none: a trade by hand).
  const snapshot = (orders: PxOrder[], ended: PxOrder[], trades: PxTrade[]) => ({
    accounts: [{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }],
    positions: [],
    orders,
    ended,
    trades,
  });

  it("an ended order's customTag reaches its history fills; a trade whose order is not listed stays unknown", () => {
    const m = new ProjectXModel("px", projectxSymbols(), () => 1_000);
    m.setAccounts([{ id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true }], undefined);
    const copy = order(3, { id: 510, customTag: "mk-9-11" });
    const byHand = order(1, { id: 511, size: 1, status: 2, customTag: undefined });
    const events = m.applySnapshot(
      snapshot(
        [],
        [copy, byHand],
        [trade(800, 3, { orderId: 510 }), trade(801, 1, { orderId: 511 }), trade(802, 1, { orderId: 512 })],
      ),
      true,
    );
    const history = events.filter((e) => e.type === "historyFill");
    expect(history.map((e) => [e.fillId, e.clOrdId, "orderUnknown" in e])).toEqual([
      [800, "mk-9-11", false],
      [801, undefined, false],
      [802, undefined, true],
    ]);
    expect(m.workingOrders(ACCOUNT)).toEqual([]);
    // Their fills are counted on them: no fill is made up from their fillVolume.
    expect(m.synthesize(510, 1)).toEqual([]);
    expect(m.synthesize(511, 1)).toEqual([]);
  });

  it("working orders stay working; one held as working that the answer says cancelled no longer works", () => {
    const m = model();
    m.applyOrder(order(0, { id: 600, type: 1, limitPrice: 5900 }));
    m.applyOrder(order(0, { id: 601, type: 4, side: 1, stopPrice: 5800 }));
    expect(m.workingOrders(ACCOUNT).map((o) => o.orderId)).toEqual([600, 601]);
    m.applySnapshot(
      snapshot(
        [order(0, { id: 601, type: 4, side: 1, stopPrice: 5800 })],
        [order(0, { id: 600, type: 1, limitPrice: 5900, status: 3 })],
        [],
      ),
      false,
    );
    expect(m.workingOrders(ACCOUNT).map((o) => o.orderId)).toEqual([601]);
  });
});
