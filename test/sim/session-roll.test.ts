import { afterEach, describe, expect, it } from "vitest";
import { parseScenario, type Simulator } from "../../engine/sim/index.js";
import { defaultScenario } from "../../engine/sim/scenario.js";
import { inHalt, reopenAfter, sessionCloseAfter, tradeDateAt } from "../../engine/sim/session.js";
import { post, type RawClient, startSessionSim, syncedClient, waitFor } from "./helpers.js";
import { RawHub } from "./projectx/rawHub.js";

/**
 * The trading day's roll and the daily halt on the simulator. At 17:00 CT (Sunday to Thursday)
 * the new trade date starts: cashBalance.realizedPnL is the session's, so it starts again at 0
 * (weekRealizedPnL at the week's first session), and a daily-loss lock clears unless the rule
 * says doNotUnlock (tradovate-protocol.md §4, §8.3). From the close to the reopen the exchange
 * refuses new orders: Tradovate answers failureReason SessionClosed (§5.1), ProjectX errorCode 5
 * "outside trading hours"; the refusal is switched on by a test (sessionHalt), off by default.
 */

const iso = (ms: number) => new Date(ms).toISOString();

describe("the session calendar", () => {
  it.each([
    ["a Wednesday morning (CDT): that Wednesday", "2026-07-15T15:00:00Z", "2026-07-15"],
    ["in Wednesday's halt: still Wednesday", "2026-07-15T21:30:00Z", "2026-07-15"],
    ["Wednesday 17:00 CT: Thursday", "2026-07-15T22:00:00Z", "2026-07-16"],
    ["Friday's halt: Friday", "2026-07-17T21:30:00Z", "2026-07-17"],
    ["Friday evening: Monday", "2026-07-17T23:00:00Z", "2026-07-20"],
    ["a Saturday: Monday", "2026-07-18T12:00:00Z", "2026-07-20"],
    ["Sunday's evening session: Monday", "2026-07-19T23:00:00Z", "2026-07-20"],
    ["a winter Tuesday 17:30 CST: Wednesday", "2026-01-13T23:30:00Z", "2026-01-14"],
    ["a winter Tuesday 16:30 CST: Tuesday", "2026-01-13T22:30:00Z", "2026-01-13"],
  ])("trade date: %s", (_what, at, date) => {
    const d = tradeDateAt(Date.parse(at));
    expect(`${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`).toBe(date);
  });

  it.each([
    ["a Wednesday morning: that evening", "2026-07-15T15:00:00Z", "2026-07-15T22:00:00Z"],
    ["the reopen itself: the next one", "2026-07-15T22:00:00Z", "2026-07-16T22:00:00Z"],
    ["Thursday's halt: Thursday 17:00", "2026-07-16T21:30:00Z", "2026-07-16T22:00:00Z"],
    ["Friday's halt: Sunday 17:00", "2026-07-17T21:30:00Z", "2026-07-19T22:00:00Z"],
    ["a winter Tuesday (CST)", "2026-01-13T15:00:00Z", "2026-01-13T23:00:00Z"],
  ])("reopen: %s", (_what, at, reopen) => {
    expect(iso(reopenAfter(Date.parse(at)))).toBe(iso(Date.parse(reopen)));
  });

  it.each([
    ["Wednesday 15:59 CT", "2026-07-15T20:59:00Z", false],
    ["Wednesday 16:00 CT", "2026-07-15T21:00:00Z", true],
    ["Wednesday 16:59 CT", "2026-07-15T21:59:00Z", true],
    ["Wednesday 17:00 CT", "2026-07-15T22:00:00Z", false],
    ["Friday 17:30 CT", "2026-07-17T22:30:00Z", true],
    ["Saturday", "2026-07-18T12:00:00Z", true],
    ["Sunday 16:59 CT", "2026-07-19T21:59:00Z", true],
    ["Sunday 17:00 CT", "2026-07-19T22:00:00Z", false],
  ])("halted: %s → %s", (_what, at, halted) => {
    expect(inHalt(Date.parse(at))).toBe(halted);
  });
});

let sim: Simulator;
const clients: RawClient[] = [];
const hubs: RawHub[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const h of hubs.splice(0)) h.close();
  await sim?.close();
});

function prop(account: Record<string, unknown>) {
  return parseScenario({
    ...defaultScenario,
    users: [
      { name: "prop", password: "prop", accounts: [{ name: "APEX3001", balance: 50_000, ...account }] },
      ...defaultScenario.users.filter((u) => u.broker === "projectx"),
    ],
  });
}

/** Moves the simulator's clock to `at` (forward only). */
function clockTo(at: number): void {
  sim.control.advanceClock(Math.max(0, at - Date.parse(sim.control.clock().now)));
}

/** The next reopen (17:00 CT) that is not a weekend's, so the roll is a weekday's. */
function nextWeekdayRoll(): number {
  let at = reopenAfter(Date.parse(sim.control.clock().now));
  while (new Date(at).getUTCDay() === 0) at = reopenAfter(at);
  return at;
}

const cash = () => sim.control.records().cashBalances.find((b) => b.accountName === "APEX3001")!;
const position = () => sim.control.records().positions.find((p) => p.accountName === "APEX3001");
const riskEvents = (c: RawClient) =>
  c
    .props()
    .filter((p) => p.entityType === "accountRiskStatus")
    .map((p) => p.entity.adminAction);

describe("the trade date's roll at 17:00 CT", () => {
  it("resets the day's realized P&L and clears a daily-loss lock; the next day's loss counts from the roll", async () => {
    sim = await startSessionSim({ scenario: prop({ dailyLossAutoLiq: 400 }), varyFrames: false });
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6790); // -$500 open: liquidated and locked
    expect(position()?.netPos).toBe(0);
    expect(cash().realizedPnL).toBe(-500);
    expect(sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1)).toMatchObject({
      failureReason: "TradingLocked",
    });

    clockTo(nextWeekdayRoll() - 1000);
    expect(cash().realizedPnL).toBe(-500); // a second before the roll: still the old day
    const c = await syncedClient(sim, "prop"); // a fresh login: the old day's token has expired
    clients.push(c);
    const rollAt = nextWeekdayRoll();
    clockTo(rollAt);
    const day = tradeDateAt(rollAt);

    expect(cash()).toMatchObject({ realizedPnL: 0, amount: 50_000 - 500 - 4.5 });
    await waitFor(() => riskEvents(c).includes("Normal"), "the lock to clear");
    const cashEvent = c.props().find((p) => p.entityType === "cashBalance" && p.eventType === "Updated")!;
    expect(cashEvent.entity).toMatchObject({ realizedPnL: 0, weekRealizedPnL: -500, tradeDate: day });
    const placed = sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    expect(placed).not.toHaveProperty("failureReason");
    expect(position()?.netPos).toBe(1);
    // $300 down today: within the $400, though $800 down over the two days.
    sim.control.setPrice("ES", 6784);
    expect(position()?.netPos).toBe(1);
    const fill = await waitFor(
      () => c.props().find((p) => p.entityType === "fill" && p.eventType === "Created"),
      "the new day's fill",
    );
    expect(fill.entity.tradeDate).toEqual(day);
  });

  it("keeps a trailing-drawdown lock and a doNotUnlock daily-loss lock; the week's P&L restarts on Sunday", async () => {
    sim = await startSessionSim({
      scenario: parseScenario({
        ...defaultScenario,
        users: [
          {
            name: "prop",
            password: "prop",
            accounts: [
              { name: "APEX3001", balance: 50_000, trailingMaxDrawdown: 400 },
              { name: "APEX3002", balance: 50_000, dailyLossAutoLiq: 400, doNotUnlock: true },
              { name: "APEX3003", balance: 50_000 },
            ],
          },
        ],
      }),
    });
    sim.control.setPrice("ES", 6800);
    for (const a of ["APEX3001", "APEX3002", "APEX3003"]) sim.control.manualTrade(a, "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6790);
    sim.control.manualTrade("APEX3003", "ESZ6", "Sell", 1);
    const week = (name: string) => sim.control.records().cashBalances.find((b) => b.accountName === name)!;
    expect(week("APEX3003").realizedPnL).toBe(-500);

    // Past the weekend: Friday's close, then Sunday's 17:00 reopen starts a new week.
    let roll = reopenAfter(Date.parse(sim.control.clock().now));
    while (new Date(roll).getUTCDay() !== 0) roll = reopenAfter(roll);
    clockTo(roll);

    for (const a of ["APEX3001", "APEX3002"])
      expect(sim.control.manualTrade(a, "ESZ6", "Buy", 1)).toMatchObject({ failureReason: "TradingLocked" });
    expect(sim.control.manualTrade("APEX3003", "ESZ6", "Buy", 1)).not.toHaveProperty("failureReason");
    const c = await syncedClient(sim, "prop");
    clients.push(c);
    const snapshot = c.messages.find((m) => (m.d as { users?: unknown })?.users)!.d as {
      cashBalances: Array<{ accountId: number; realizedPnL: number; weekRealizedPnL: number }>;
      userAccountAutoLiqs: Array<{ id: number; doNotUnlock: boolean }>;
    };
    expect(snapshot.cashBalances.map((b) => [b.realizedPnL, b.weekRealizedPnL])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(snapshot.userAccountAutoLiqs.map((r) => r.doNotUnlock)).toEqual([false, true, false]);
  });

  it("ProjectX: the account's canTrade comes back at the roll after a daily-loss lock", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: defaultScenario.users.map((u) =>
        u.broker === "projectx"
          ? { ...u, accounts: u.accounts.map((a, i) => (i === 0 ? { ...a, dailyLossAutoLiq: 400 } : a)) }
          : u,
      ),
    });
    sim = await startSessionSim({ scenario });
    const px = scenario.users.find((u) => u.broker === "projectx")!;
    const name = px.accounts[0]!.name;
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade(name, "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6790);
    expect(sim.control.manualTrade(name, "ESZ6", "Buy", 1)).toMatchObject({ failureReason: "TradingLocked" });
    clockTo(nextWeekdayRoll() - 1000);
    const token = await pxLogin(px.name, px.apiKey!);
    const accountId = sim.control.records().cashBalances.find((b) => b.accountName === name)!.accountId;
    const hub = await RawHub.open(`${sim.projectx.userHubUrl}?access_token=${token}`);
    hubs.push(hub);
    await hub.handshake();
    await hub.invoke("1", "SubscribeAccounts");
    clockTo(nextWeekdayRoll());
    const back = await hub.next(
      (m) =>
        m.target === "GatewayUserAccount" &&
        (m.arguments as Array<{ id: number; canTrade: boolean }>)[0]!.canTrade === true,
    );
    expect((back.arguments as Array<Record<string, unknown>>)[0]).toMatchObject({
      id: accountId,
      canTrade: true,
    });
    const placed = await pxApi(
      "Order/place",
      { accountId, contractId: "CON.F.US.EP.Z26", type: 2, side: 0, size: 1 },
      token,
    );
    expect(placed).toMatchObject({ success: true });
  });
});

describe("the daily halt refuses new orders (sessionHalt on)", () => {
  it("Tradovate answers SessionClosed and ProjectX errorCode 5; nothing reaches the book; at 17:00 orders go again", async () => {
    sim = await startSessionSim({ varyFrames: false });
    sim.control.setPrice("ES", 6800);
    sim.control.sessionHalt(true);
    const close = sessionCloseAfter(Date.parse(sim.control.clock().now));
    clockTo(close + 30 * 60_000);
    const c = await syncedClient(sim);
    clients.push(c);
    const order = {
      accountId: 700001,
      symbol: "ESZ6",
      action: "Buy",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
    };
    const refused = (await c.request("order/placeorder", order)).d;
    expect(refused).toMatchObject({
      failureReason: "SessionClosed",
      failureText: expect.stringMatching(/closed/i),
    });
    expect(sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1)).toMatchObject({
      failureReason: "SessionClosed",
    });
    const px = defaultScenario.users.find((u) => u.broker === "projectx")!;
    const token = await pxLogin(px.name, px.apiKey!);
    const pxAccount = sim.control.records().cashBalances.find((b) => b.accountName === px.accounts[0]!.name)!;
    const pxOrder = {
      accountId: pxAccount.accountId,
      contractId: "CON.F.US.EP.Z26",
      type: 2,
      side: 0,
      size: 1,
    };
    expect(await pxApi("Order/place", pxOrder, token)).toMatchObject({ success: false, errorCode: 5 });
    const rec = sim.control.records();
    expect(rec.positions).toEqual([]);
    expect(rec.workingOrders).toEqual([]);
    expect(rec.orders.every((o) => o.status === "Rejected" && o.failureReason === "SessionClosed")).toBe(
      true,
    );
    expect(c.props().filter((p) => p.entityType === "order")).toEqual([]);

    clockTo(reopenAfter(close));
    expect((await c.request("order/placeorder", order)).d).toHaveProperty("orderId");
    expect((await pxApi("Order/place", { ...pxOrder, customTag: "after" }, token)).success).toBe(true);
    expect(sim.control.records().positions.map((p) => p.netPos)).toEqual([1, 1]);
  });

  it("off by default: a simulator in the halt takes orders; /sim/session-halt switches it, a bad body changes nothing", async () => {
    sim = await startSessionSim();
    sim.control.setPrice("ES", 6800);
    clockTo(sessionCloseAfter(Date.parse(sim.control.clock().now)) + 60_000);
    expect(sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1)).not.toHaveProperty("failureReason");
    const bad = await post(sim, "/sim/session-halt", { on: "yes" });
    expect(bad.status).toBe(400);
    expect(sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1)).not.toHaveProperty("failureReason");
    expect((await post(sim, "/sim/session-halt", { on: true })).status).toBe(200);
    expect(sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1)).toMatchObject({
      failureReason: "SessionClosed",
    });
    // Taken, not traded: nothing prints in the halt, so the two buys wait for the reopen.
    expect(sim.control.records().orders.filter((o) => o.status === "Working")).toHaveLength(2);
    expect(sim.control.records().positions.filter((p) => p.netPos !== 0)).toEqual([]);
  });
});

async function pxApi(path: string, body: unknown, token?: string) {
  const res = await fetch(`${sim.projectx.apiUrl}/api/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: ProjectX's JSON replies read field by field
  return (await res.json()) as any;
}

async function pxLogin(userName: string, apiKey: string): Promise<string> {
  return (await pxApi("Auth/loginKey", { userName, apiKey })).token as string;
}
