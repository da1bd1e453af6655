import { describe, expect, it, vi } from "vitest";
import { BrokerModel } from "../../engine/broker/model.js";
import type { BrokerEvent, FillEvent } from "../../engine/types.js";
import { silentLogger } from "../../engine/types.js";

const ACC = { id: 100, name: "DEMO100" };
const OTHER = 200;
const ES = { id: 9001, name: "ESZ6", contractMaturityId: 51 };
const MATURITY = { id: 51, productId: 7, expirationMonth: "2026-12", isFront: true };
const PRODUCT = { id: 7, name: "ES", tickSize: 0.25, valuePerPoint: 50 };

function snapshot(extra: Record<string, unknown> = {}) {
  return {
    users: [{ id: 1 }],
    accounts: [{ id: 100, name: "DEMO100", active: true }],
    contracts: [ES],
    contractMaturities: [MATURITY],
    products: [PRODUCT],
    orders: [{ id: 500, accountId: 100, contractId: 9001, ordStatus: "Filled", action: "Buy" }],
    fills: [{ id: 900, orderId: 500, contractId: 9001, action: "Buy", qty: 1, price: 6000, active: true }],
    positions: [{ id: 1, accountId: 100, contractId: 9001, netPos: 1, netPrice: 6000 }],
    cashBalances: [{ id: 1, accountId: 100, amount: 50_000, realizedPnL: 0 }],
    accountRiskStatuses: [{ id: 100, adminAction: "Normal" }],
    ...extra,
  };
}

function props(entityType: string, entity: unknown, eventType = "Created") {
  return { entityType, eventType, entity };
}

function synced(): BrokerModel {
  const m = new BrokerModel("conn", silentLogger, () => 42);
  m.setAccounts([ACC]);
  m.applySnapshot(snapshot(), true);
  return m;
}

const order = (id: number, status = "Working", accountId = 100, contractId = 9001) => ({
  id,
  accountId,
  contractId,
  ordStatus: status,
  action: "Sell",
});
const fill = (id: number, orderId: number, contractId = 9001) => ({
  id,
  orderId,
  contractId,
  action: "Sell",
  qty: 2,
  price: 6001.25,
  timestamp: "2026-11-23T15:00:00.000Z",
  active: true,
});

describe("BrokerModel snapshot", () => {
  it("builds state and a SyncEvent with snapshot fills as history", () => {
    const m = new BrokerModel("conn", silentLogger);
    m.setAccounts([ACC]);
    const events = m.applySnapshot(snapshot(), true);
    expect(events[0]).toEqual({
      type: "sync",
      connection: "conn",
      initial: true,
      accounts: [ACC],
      positions: [{ accountId: 100, contractId: "9001", contract: "ESZ6", netPos: 1, netPrice: 6000 }],
      // Fill 900 was never had live: it comes once as history (below), not among the ids seen.
      fillIds: [],
      // The sync carries it too: a start's reconcile reads which copies went before it.
      fills: [expect.objectContaining({ type: "historyFill", fillId: 900 })],
    });
    expect(events.map((e) => e.type)).toEqual(["sync", "balance", "riskStatus", "historyFill"]);
    expect(events[3]).toEqual(
      expect.objectContaining({
        type: "historyFill",
        accountId: 100,
        fillId: 900,
        orderId: 500,
        contract: "ESZ6",
        side: "Buy",
        qty: 1,
        price: 6000,
      }),
    );
    expect(events[3]).not.toHaveProperty("receivedAt");
    expect(m.contractById(9001)).toEqual({
      id: "9001",
      name: "ESZ6",
      root: "ES",
      tickSize: 0.25,
      pointValue: 50,
    });
    expect(m.contractByName("esz6")?.id).toBe("9001");
    expect(m.cashBalance(100)).toEqual({ amount: 50_000, realizedPnL: 0 });
    // The snapshot fill never becomes a live FillEvent, even when Tradovate re-sends it.
    expect(m.applyProps(props("fill", snapshot().fills[0]), 1)).toEqual([]);
  });

  it("tolerates a snapshot with missing or malformed collections", () => {
    const m = new BrokerModel("conn", silentLogger);
    m.setAccounts([ACC]);
    const events = m.applySnapshot({ users: [], orders: "nope", fills: [null, 3, { id: "x" }] }, false);
    expect(events).toEqual([
      {
        type: "sync",
        connection: "conn",
        initial: false,
        accounts: [ACC],
        positions: [],
        fillIds: [],
        fills: [],
      },
    ]);
  });
});

describe("BrokerModel props", () => {
  it("maps a live fill to its account through the order and carries receivedAt", () => {
    const m = synced();
    m.rememberClOrdId(501, "cp-1");
    const events = [
      ...m.applyProps(props("order", order(501)), 5),
      ...m.applyProps(props("fill", fill(901, 501)), 7),
    ];
    const fillEvent = events.find((e): e is FillEvent => e.type === "fill");
    expect(fillEvent).toEqual({
      type: "fill",
      connection: "conn",
      accountId: 100,
      fillId: 901,
      orderId: 501,
      contractId: "9001",
      contract: "ESZ6",
      side: "Sell",
      qty: 2,
      price: 6001.25,
      ts: Date.parse("2026-11-23T15:00:00.000Z"),
      receivedAt: 7,
      clOrdId: "cp-1",
    });
    expect(events[0]).toMatchObject({ type: "orderStatus", status: "Working", clOrdId: "cp-1" });
  });

  it("accepts entity arrays and ignores duplicates", () => {
    const m = synced();
    const batch = props("fill", [fill(902, 500), fill(903, 500), fill(902, 500)]);
    const first = m.applyProps(batch, 1);
    expect(first.map((e) => (e as FillEvent).fillId)).toEqual([902, 903]);
    expect(m.applyProps(batch, 2)).toEqual([]);
    expect(m.applyProps(props("fill", fill(903, 500), "Updated"), 3)).toEqual([]);
  });

  it("matches an entity type case-blind, and lower-cases each spelling once, not once a message", () => {
    const m = synced();
    const lower = vi.spyOn(String.prototype, "toLowerCase");
    try {
      for (let i = 0; i < 200; i++) {
        m.applyProps(
          props("orderVersion", { id: 10 + i, orderId: 500, orderQty: 1, orderType: "Market" }),
          i,
        );
        m.applyProps(props("cashBalance", { id: 1, accountId: 100, amount: 50_000 + i, realizedPnL: i }), i);
      }
      expect(lower.mock.calls.length).toBeLessThanOrEqual(4);
    } finally {
      lower.mockRestore();
    }
    // Any spelling still reads as its type; an empty list of entities is none.
    const events = m.applyProps(
      props("CASHBALANCE", { id: 1, accountId: 100, amount: 1_000, realizedPnL: 0 }),
      1,
    );
    expect(events).toMatchObject([{ type: "balance", accountId: 100, amount: 1_000 }]);
    expect(m.applyProps(props("position", []), 2)).toEqual([]);
  });

  it("emits position, balance and order status only when they change", () => {
    const m = synced();
    const pos = { id: 1, accountId: 100, contractId: 9001, netPos: -1, netPrice: 6001.25 };
    expect(m.applyProps(props("position", pos, "Updated"), 1)).toEqual([
      {
        type: "position",
        connection: "conn",
        position: { accountId: 100, contractId: "9001", contract: "ESZ6", netPos: -1, netPrice: 6001.25 },
      },
    ]);
    expect(m.applyProps(props("position", pos, "Updated"), 2)).toEqual([]);
    const cash = { id: 1, accountId: 100, amount: 50_062.5, realizedPnL: 62.5 };
    expect(m.applyProps(props("cashBalance", cash, "Updated"), 3)).toEqual([
      { type: "balance", connection: "conn", accountId: 100, amount: 50_062.5, realizedPnL: 62.5 },
    ]);
    expect(m.applyProps(props("cashBalance", cash, "Updated"), 4)).toEqual([]);
    // With its trade date, the cash before the session's realized P&L is what the day began with.
    const dated = { ...cash, amount: 49_600, realizedPnL: -400, tradeDate: { year: 2026, month: 1, day: 9 } };
    expect(m.applyProps(props("cashBalance", dated, "Updated"), 4)).toEqual([
      {
        type: "balance",
        connection: "conn",
        accountId: 100,
        amount: 49_600,
        realizedPnL: -400,
        dayStart: { tradingDay: "2026-01-09", balance: 50_000 },
      },
    ]);
    // The week's realized P&L (Tradovate's weekRealizedPnL) says what the week began with, the
    // week named by its Monday (Friday 2026-01-09 is of the week of Monday 2026-01-05).
    const week = { ...dated, realizedPnL: -100, weekRealizedPnL: -650 };
    expect(m.applyProps(props("cashBalance", week, "Updated"), 4)).toEqual([
      {
        type: "balance",
        connection: "conn",
        accountId: 100,
        amount: 49_600,
        realizedPnL: -100,
        dayStart: { tradingDay: "2026-01-09", balance: 49_700 },
        weekStart: { tradingWeek: "2026-01-05", balance: 50_250 },
      },
    ]);
    expect(m.applyProps(props("order", order(600)), 5)).toHaveLength(1);
    expect(m.applyProps(props("order", order(600), "Updated"), 6)).toHaveLength(0);
    expect(m.workingOrders(100)).toEqual([
      expect.objectContaining({ orderId: 600, accountId: 100, contractId: "9001" }),
    ]);
    m.applyProps(props("order", order(600, "Filled"), "Updated"), 7);
    expect(m.workingOrders(100)).toEqual([]);
  });

  it("reports flat positions with no netPrice, including Deleted positions", () => {
    const m = synced();
    const flat = m.applyProps(
      props("position", { accountId: 100, contractId: 9001, netPos: 0, netPrice: 6000 }, "Updated"),
      1,
    );
    expect(flat[0]).toMatchObject({ position: { netPos: 0, netPrice: undefined } });
    const m2 = synced();
    const deleted = m2.applyProps(
      props("position", { accountId: 100, contractId: 9001, netPos: 1 }, "Deleted"),
      1,
    );
    expect(deleted[0]).toMatchObject({ type: "position", position: { netPos: 0 } });
    expect(m2.positions(100)).toEqual([]);
  });

  // §3.4 eventType Deleted; §4 position: flat is netPos 0. A position that waited for its
  // contract's name and was then deleted must come out flat, not at its older netPos.
  it("a position deleted while it waits for its contract comes out flat once the contract is known", () => {
    const m = synced();
    const pos = { accountId: 100, contractId: 9002, netPos: 1, netPrice: 21000 };
    expect(m.applyProps(props("position", pos), 1)).toEqual([]);
    expect(m.applyProps(props("position", pos, "Deleted"), 2)).toEqual([]);
    m.applyEntity("contract", { id: 9002, name: "NQZ6", contractMaturityId: 52 });
    m.applyEntity("contractMaturity", { id: 52, productId: 8 });
    m.applyEntity("product", { id: 8, name: "NQ", tickSize: 0.25, valuePerPoint: 20 });
    const netPos = m.flush().map((e) => (e.type === "position" ? e.position.netPos : e.type));
    expect(netPos.at(-1)).toBe(0);
    expect(m.positions(100).map((p) => p.contract)).toEqual(["ESZ6"]);
  });

  it("keeps each account's positions by contract: a read or a delete touches only its own", () => {
    const m = new BrokerModel("conn", silentLogger);
    m.setAccounts([ACC, { id: OTHER, name: "DEMO200" }]);
    m.applySnapshot(
      snapshot({
        accounts: [ACC, { id: OTHER, name: "DEMO200", active: true }],
        contracts: [ES, { id: 9002, name: "NQZ6", contractMaturityId: 51 }],
        positions: [
          { id: 1, accountId: 100, contractId: 9001, netPos: 1, netPrice: 6000 },
          { id: 2, accountId: OTHER, contractId: 9001, netPos: -2, netPrice: 6001 },
          { id: 3, accountId: OTHER, contractId: 9002, netPos: 4, netPrice: 21000 },
        ],
      }),
      true,
    );
    const held = (id: number) => m.positions(id).map((p) => [p.contract, p.netPos]);
    expect(held(100)).toEqual([["ESZ6", 1]]);
    expect(held(OTHER)).toEqual([
      ["ESZ6", -2],
      ["NQZ6", 4],
    ]);
    m.applyProps(
      props("position", { accountId: OTHER, contractId: 9002, netPos: 5, netPrice: 21000 }, "Updated"),
      1,
    );
    m.applyProps(props("position", { accountId: OTHER, contractId: 9001, netPos: -2 }, "Deleted"), 2);
    expect(held(OTHER)).toEqual([["NQZ6", 5]]);
    expect(held(100)).toEqual([["ESZ6", 1]]);
    expect(m.allPositions().map((p) => [p.accountId, p.contract, p.netPos])).toEqual([
      [100, "ESZ6", 1],
      [OTHER, "NQZ6", 5],
    ]);
  });

  it("ignores other accounts' fills, positions and balances", () => {
    const m = synced();
    const events = [
      ...m.applyProps(props("order", order(700, "Working", OTHER)), 1),
      ...m.applyProps(props("fill", fill(970, 700)), 1),
      ...m.applyProps(props("position", { accountId: OTHER, contractId: 9001, netPos: 3, netPrice: 1 }), 1),
      ...m.applyProps(props("cashBalance", { accountId: OTHER, amount: 1 }), 1),
    ];
    expect(events).toEqual([]);
  });

  it("holds a fill whose order is unknown until the order arrives", () => {
    const m = synced();
    expect(m.applyProps(props("fill", fill(904, 505)), 11)).toEqual([]);
    expect(m.missing()).toEqual({ orderIds: [505], contractIds: [] });
    const events = m.applyProps(props("order", order(505, "Filled")), 12);
    const f = events.find((e) => e.type === "fill") as FillEvent;
    expect(f).toMatchObject({ fillId: 904, accountId: 100, receivedAt: 11 });
    expect(m.hasPending()).toBe(false);
  });

  it("holds a fill on an unknown contract until its spec is cached", () => {
    const m = synced();
    m.applyProps(props("order", order(506, "Working", 100, 9002)), 1);
    expect(m.applyProps(props("fill", fill(905, 506, 9002)), 2)).toEqual([]);
    expect(m.missing()).toEqual({ orderIds: [], contractIds: [9002] });
    m.applyEntity("contract", { id: 9002, name: "NQZ6", contractMaturityId: 52 });
    expect(m.missingSpecParts(9002)).toEqual({ maturityId: 52 });
    m.applyEntity("contractMaturity", { id: 52, productId: 8 });
    expect(m.missingSpecParts(9002)).toEqual({ productId: 8 });
    m.applyEntity("product", { id: 8, name: "NQ", tickSize: 0.25, valuePerPoint: 20 });
    const events = m.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "fill", contract: "NQZ6", receivedAt: 2 });
    expect(m.contractByName("NQZ6")?.pointValue).toBe(20);
  });

  it("surfaces reject reasons from command reports, and clOrdIds from commands", () => {
    const m = synced();
    const out: BrokerEvent[] = [];
    out.push(
      ...m.applyProps(props("command", { id: 77, orderId: 800, clOrdId: "cp-x", commandType: "New" }), 1),
    );
    out.push(...m.applyProps(props("order", order(800, "PendingNew")), 1));
    out.push(
      ...m.applyProps(props("commandReport", { id: 1, commandId: 77, rejectReason: "RiskRejected" }), 1),
    );
    out.push(...m.applyProps(props("order", order(800, "Rejected"), "Updated"), 1));
    expect(out.filter((e) => e.type === "orderStatus")).toEqual([
      expect.objectContaining({ status: "PendingNew", clOrdId: "cp-x" }),
      expect.objectContaining({ status: "Rejected", clOrdId: "cp-x", rejectReason: "RiskRejected" }),
    ]);
  });

  it("a modify taken, then refused in its command's report: the order's update says so, it is not rejected", () => {
    const m = synced();
    const out: BrokerEvent[] = [];
    out.push(
      ...m.applyProps(props("command", { id: 80, orderId: 801, clOrdId: "mm-x", commandType: "New" }), 1),
    );
    out.push(...m.applyProps(props("order", order(801)), 1));
    m.orderUpdates();
    out.push(...m.applyProps(props("command", { id: 81, orderId: 801, commandType: "Modify" }), 1));
    const report = { id: 2, commandId: 81, commandStatus: "RiskRejected", rejectReason: "UnknownReason" };
    out.push(...m.applyProps(props("commandReport", { ...report, text: "too close" }), 1));
    const updates = m.orderUpdates();
    expect(updates).toEqual([
      expect.objectContaining({
        type: "orderUpdate",
        order: expect.objectContaining({
          orderId: 801,
          status: "Working",
          modifyRefused: { commandId: 81, reason: "UnknownReason: too close" },
        }),
      }),
    ]);
    expect(out.filter((e) => e.type === "orderStatus" && e.status === "Rejected")).toEqual([]);
    // A report that passes a modify is nothing new; one that refuses a cancel is no refused modify.
    m.applyProps(props("command", { id: 83, orderId: 801, commandType: "Modify" }), 1);
    m.applyProps(props("commandReport", { id: 4, commandId: 83, commandStatus: "RiskPassed" }), 1);
    expect(m.orderUpdates()).toEqual([]);
    m.applyProps(props("command", { id: 82, orderId: 801, commandType: "Cancel" }), 1);
    m.applyProps(props("commandReport", { id: 3, commandId: 82, commandStatus: "ExecutionRejected" }), 1);
    expect(m.orderUpdates()).toEqual([
      expect.objectContaining({
        order: expect.objectContaining({
          modifyRefused: { commandId: 81, reason: "UnknownReason: too close" },
          cancelRefused: { commandId: 82, reason: "ExecutionRejected" },
        }),
      }),
    ]);
  });

  it("a cancel taken, then refused in its command's report: the order's update says so, it works on", () => {
    const m = synced();
    m.applyProps(props("command", { id: 90, orderId: 901, clOrdId: "mm-y", commandType: "New" }), 1);
    m.applyProps(props("order", order(901)), 1);
    m.orderUpdates();
    const out = m.applyProps(props("command", { id: 91, orderId: 901, commandType: "Cancel" }), 1);
    const report = { id: 5, commandId: 91, commandStatus: "RiskRejected", rejectReason: "UnknownReason" };
    out.push(...m.applyProps(props("commandReport", { ...report, text: "not now" }), 1));
    expect(m.orderUpdates()).toEqual([
      expect.objectContaining({
        type: "orderUpdate",
        order: expect.objectContaining({
          orderId: 901,
          status: "Working",
          cancelRefused: { commandId: 91, reason: "UnknownReason: not now" },
        }),
      }),
    ]);
    expect(out.filter((e) => e.type === "orderStatus")).toEqual([]);
    // Told once: the same report again changes nothing.
    m.applyProps(props("commandReport", { ...report, text: "not now" }), 1);
    expect(m.orderUpdates()).toEqual([]);
  });

  it("maps accountRiskStatus to locked / liquidate-only", () => {
    const m = synced();
    const lock = m.applyProps(
      props("accountRiskStatus", { id: 100, adminAction: "LockTradingImmediately" }),
      1,
    );
    expect(lock).toEqual([
      {
        type: "riskStatus",
        connection: "conn",
        accountId: 100,
        adminAction: "LockTradingImmediately",
        liquidateOnly: false,
        locked: true,
      },
    ]);
    const liq = m.applyProps(
      props("accountRiskStatus", { id: 100, adminAction: "Normal", liquidateOnly: "2026-11-23T15:00:00Z" }),
      1,
    );
    expect(liq[0]).toMatchObject({ liquidateOnly: true, locked: false });
  });

  it("skips malformed props without throwing", () => {
    const m = synced();
    expect(m.applyProps(null, 1)).toEqual([]);
    expect(
      m.applyProps({ entityType: "fill", eventType: "Created", entity: [null, 5, { id: 1 }] }, 1),
    ).toEqual([]);
    expect(m.applyProps({ entityType: 3 }, 1)).toEqual([]);
  });

  // §3.6: active:false marks a busted fill; §3.7 and §8.4 #6: the same entity is re-sent, so a
  // repeat of a fill that was already inactive when first seen is not a new bust.
  it("a fill already inactive in the snapshot is not reported busted when Tradovate re-sends it", () => {
    const m = new BrokerModel("conn", silentLogger);
    m.setAccounts([ACC]);
    const inactive = { ...fill(908, 500), active: false };
    m.applySnapshot(snapshot({ fills: [inactive] }), true);
    expect(m.applyProps(props("fill", inactive, "Updated"), 1)).toEqual([]);
  });

  it("a fill first seen inactive is never reported busted, however often it repeats", () => {
    const m = synced();
    const inactive = { ...fill(909, 500), active: false };
    expect(m.applyProps(props("fill", inactive), 1)).toEqual([]);
    expect(m.applyProps(props("fill", inactive, "Updated"), 2)).toEqual([]);
  });

  it("a fill busted after it was seen active is reported once", () => {
    const m = synced();
    m.applyProps(props("fill", fill(910, 500)), 1);
    const busted = { ...fill(910, 500), active: false };
    expect(m.applyProps(props("fill", busted, "Updated"), 2)).toEqual([
      expect.objectContaining({ type: "fillBusted", fillId: 910 }),
    ]);
    expect(m.applyProps(props("fill", busted, "Updated"), 3)).toEqual([]);
  });

  it("a fill seen live and busted in the gap is reported busted once, from the snapshot, as history", () => {
    const m = synced();
    m.applyProps(props("fill", fill(911, 500)), 1);
    const busted = { ...fill(911, 500), active: false };
    const events = m.applySnapshot(snapshot({ positions: [], fills: [busted] }), false);
    expect(events[0]).toMatchObject({ type: "sync", fillIds: [] });
    expect(events.filter((e) => e.type === "fillBusted")).toEqual([
      expect.objectContaining({ type: "fillBusted", fillId: 911, history: true }),
    ]);
    // The next snapshot, and a re-send of it, say it again: no second bust.
    const again = m.applySnapshot(snapshot({ positions: [], fills: [busted] }), false);
    expect(again.filter((e) => e.type === "fillBusted")).toEqual([]);
    expect(m.applyProps(props("fill", busted, "Updated"), 2)).toEqual([]);
  });

  it("re-sync replaces positions and keeps earlier fill ids as seen; a fill made in the gap is history, once", () => {
    const m = synced();
    m.applyProps(props("fill", fill(906, 500)), 1);
    const events = m.applySnapshot(
      snapshot({ positions: [], fills: [fill(906, 500), fill(907, 500)] }),
      false,
    );
    expect(events[0]).toMatchObject({ type: "sync", initial: false, positions: [], fillIds: [906] });
    expect(events.filter((e) => e.type === "historyFill").map((e) => e.fillId)).toEqual([907]);
    // The next re-sync holds it again: seen now.
    const again = m.applySnapshot(
      snapshot({ positions: [], fills: [fill(906, 500), fill(907, 500)] }),
      false,
    );
    expect(again[0]).toMatchObject({ fillIds: [906, 907] });
    expect(again.filter((e) => e.type === "historyFill")).toEqual([]);
    expect(m.applyProps(props("fill", fill(906, 500)), 2)).toEqual([]);
    expect(m.applyProps(props("fill", fill(907, 500)), 2)).toEqual([]);
  });
});

describe("BrokerModel re-read of some accounts (a snapshot of them alone)", () => {
  const B = { id: 300, name: "DEMO300" };
  function twoAccounts(): BrokerModel {
    const m = new BrokerModel("conn", silentLogger, () => 42);
    m.setAccounts([ACC, B]);
    m.applySnapshot(
      snapshot({
        accounts: [ACC, B],
        orders: [order(500, "Filled"), order(501, "Working"), order(600, "Working", 300)],
        orderVersions: [
          { id: 1, orderId: 501, orderQty: 1, orderType: "Limit", price: 6010 },
          { id: 2, orderId: 600, orderQty: 1, orderType: "Stop", stopPrice: 5990 },
        ],
        positions: [
          { id: 1, accountId: 100, contractId: 9001, netPos: 1, netPrice: 6000 },
          { id: 2, accountId: 300, contractId: 9001, netPos: -1, netPrice: 6000 },
        ],
        cashBalances: [
          { id: 1, accountId: 100, amount: 50_000, realizedPnL: 0 },
          { id: 2, accountId: 300, amount: 60_000, realizedPnL: 0 },
        ],
      }),
      true,
    );
    return m;
  }

  it("is the truth for its accounts and leaves the others as they were", () => {
    const m = twoAccounts();
    const events = m.applySnapshot(
      {
        positions: [{ id: 1, accountId: 100, contractId: 9001, netPos: 0 }],
        orders: [order(500, "Filled"), order(501, "Canceled"), order(502, "Working")],
        orderVersions: [{ id: 3, orderId: 502, orderQty: 1, orderType: "Limit", price: 6020 }],
        commands: [{ id: 9, orderId: 502, clOrdId: "mm-lost" }],
        fills: [fill(950, 500)],
        cashBalances: [{ id: 1, accountId: 100, amount: 50_100, realizedPnL: 100 }],
      },
      false,
      new Set([100]),
    );
    expect(events[0]).toEqual({
      type: "sync",
      connection: "conn",
      initial: false,
      accounts: [ACC],
      positions: [{ accountId: 100, contractId: "9001", contract: "ESZ6", netPos: 0, netPrice: undefined }],
      fillIds: [],
      fills: [expect.objectContaining({ type: "historyFill", fillId: 950 })],
    });
    expect(events.slice(1)).toEqual([
      { type: "balance", connection: "conn", accountId: 100, amount: 50_100, realizedPnL: 100 },
      expect.objectContaining({ type: "riskStatus", accountId: 100, adminAction: "Normal" }),
      // Made while the account was read: never had live, so it comes once as history.
      expect.objectContaining({ type: "historyFill", accountId: 100, fillId: 950 }),
    ]);
    // The lost order is found by its clOrdId; the one the venue cancelled is no longer working.
    expect(m.workingOrders(100).map((o) => [o.orderId, o.clOrdId, o.price])).toEqual([
      [502, "mm-lost", 6020],
    ]);
    // The other account is untouched.
    expect(m.positions(300)).toMatchObject([{ netPos: -1 }]);
    expect(m.workingOrders(300).map((o) => [o.orderId, o.stopPrice])).toEqual([[600, 5990]]);
    expect(m.cashBalance(300)).toEqual({ amount: 60_000, realizedPnL: 0 });
    // A fill of the read comes late as an event: history, never counted twice.
    expect(m.applyProps(props("fill", fill(950, 500)), 2)).toEqual([]);
  });

  it("keeps another account's order updates still to be told after the frame", () => {
    const m = twoAccounts();
    m.applyProps(props("order", order(600, "Canceled", 300), "Updated"), 1);
    expect(m.hasOrderUpdates()).toBe(true);
    m.applySnapshot({ positions: [], orders: [] }, false, new Set([100]));
    expect(m.orderUpdates().map((e) => e.type === "orderUpdate" && e.order.orderId)).toEqual([600]);
  });
});
