import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { sessionCloseAfter } from "../../engine/sim/session.js";
import {
  aboutOrder,
  get,
  post,
  type RawClient,
  sequence,
  startSessionSim,
  syncedClient,
  WEDNESDAY_AFTERNOON,
} from "./helpers.js";
import { RawHub } from "./projectx/rawHub.js";

/**
 * The trading session's close on the simulator: Day orders expire (tradovate-protocol.md §8.4.10),
 * reported like any other order change on both faces, driven by the simulator's clock.
 */

describe("the session's close: CME Globex's daily halt, 16:00 CT, Monday to Friday", () => {
  it.each([
    ["a Wednesday morning (CDT): that afternoon", "2026-07-15T15:00:00Z", "2026-07-15T21:00:00Z"],
    ["the close itself: the next day's", "2026-07-15T21:00:00Z", "2026-07-16T21:00:00Z"],
    ["in the halt: the next day's", "2026-07-15T21:30:00Z", "2026-07-16T21:00:00Z"],
    ["after Friday's close: Monday's", "2026-07-17T21:30:00Z", "2026-07-20T21:00:00Z"],
    ["a Saturday: Monday's", "2026-07-18T12:00:00Z", "2026-07-20T21:00:00Z"],
    ["Sunday's evening session: Monday's", "2026-07-19T23:00:00Z", "2026-07-20T21:00:00Z"],
    ["a winter Tuesday (CST)", "2026-01-13T15:00:00Z", "2026-01-13T22:00:00Z"],
    ["over the March change: Monday's, in CDT", "2026-03-06T22:30:00Z", "2026-03-09T21:00:00Z"],
    ["over the November change: Monday's, in CST", "2026-10-30T21:30:00Z", "2026-11-02T22:00:00Z"],
  ])("%s", (_what, from, close) => {
    expect(new Date(sessionCloseAfter(Date.parse(from))).toISOString()).toBe(new Date(close).toISOString());
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

const DEMO1000 = 700001;
const base = { accountId: DEMO1000, symbol: "ESZ6", isAutomated: true };
const byId = (id: number) => sim.control.records().orders.find((o) => o.orderId === id)!;
const idOf = (d: unknown) => (d as { orderId: number }).orderId;

describe("Day orders at the session's close (Tradovate)", () => {
  it("expire: executionReport Expired then order Updated Expired; GTC orders, fills and positions stay", async () => {
    sim = await startSessionSim({ varyFrames: false });
    const c = await syncedClient(sim);
    clients.push(c);
    sim.control.setPrice("ES", 6800);
    sim.control.setDepth("ES", 1);
    const limit = (price: number, more: object = {}) => ({
      ...base,
      action: "Buy",
      orderQty: 1,
      orderType: "Limit",
      price,
      ...more,
    });
    const day = idOf((await c.request("order/placeorder", limit(6790))).d);
    const gtc = idOf((await c.request("order/placeorder", limit(6780, { timeInForce: "GTC" }))).d);
    const partial = idOf((await c.request("order/placeorder", limit(6795, { orderQty: 2 }))).d);
    const oso = (
      await c.request("order/placeoso", {
        ...limit(6770),
        bracket1: { action: "Sell", orderType: "Limit", price: 6790 },
      })
    ).d as { orderId: number; oso1Id: number };
    sim.control.setPrice("ES", 6795); // one of the two fills
    expect(byId(partial)).toMatchObject({ status: "Working", filledQty: 1 });

    expect(sim.control.endSession()).toMatchObject({ expired: 4 });

    expect([day, partial, oso.orderId, oso.oso1Id].map((id) => byId(id).status)).toEqual([
      "Expired",
      "Expired",
      "Expired",
      "Expired",
    ]);
    expect(byId(gtc).status).toBe("Working");
    expect(byId(partial).filledQty).toBe(1);
    expect(sim.control.records().positions.map((p) => p.netPos)).toEqual([1]);
    expect(sim.control.records().workingOrders.map((o) => o.orderId)).toEqual([gtc]);
    for (const id of [day, partial, oso.orderId, oso.oso1Id])
      await expectEventually(() =>
        expect(sequence(aboutOrder(c.props(), id)).slice(-2)).toEqual([
          "executionReport Created Expired Expired",
          "order Updated Expired",
        ]),
      );
    // An expired order is finished: a cancel is too late.
    expect((await c.request("order/cancelorder", { orderId: day, isAutomated: true })).d).toMatchObject({
      failureReason: "TooLate",
    });
  });

  it("the simulator's clock drives it: moved past the close, Day orders expire and the next close is set", async () => {
    sim = await startSessionSim({ varyFrames: false });
    const c = await syncedClient(sim);
    clients.push(c);
    sim.control.setPrice("ES", 6800);
    const day = idOf(
      (
        await c.request("order/placeorder", {
          ...base,
          action: "Sell",
          orderQty: 1,
          orderType: "Limit",
          price: 6810,
        })
      ).d,
    );
    const clock = sim.control.clock();
    const now = Date.parse(clock.now);
    const close = Date.parse(clock.sessionEnd);
    expect(close).toBe(sessionCloseAfter(now));
    expect(now - WEDNESDAY_AFTERNOON).toBeLessThan(60_000); // started there, and running on

    sim.control.advanceClock(close - now - 1000); // a second before the close
    expect(byId(day).status).toBe("Working");
    const after = sim.control.advanceClock(2000);
    expect(byId(day).status).toBe("Expired");
    expect(Date.parse(after.sessionEnd)).toBe(sessionCloseAfter(close));
    expect(Date.parse(after.now)).toBeGreaterThanOrEqual(close);
    await expectEventually(() =>
      expect(sequence(aboutOrder(c.props(), day)).at(-1)).toBe("order Updated Expired"),
    );
  });

  it("over /sim: read the clock, move it, end the session; a bad move is refused and changes nothing", async () => {
    sim = await startSessionSim();
    sim.control.setPrice("ES", 6800);
    const placed = sim.control.placeOrder("DEMO1000", {
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: 6700,
    });
    const orderId = (placed as { orderId: number }).orderId;
    const read = (await get(sim, "/sim/clock")).json as { now: string; sessionEnd: string };
    expect(Date.parse(read.sessionEnd)).toBe(sessionCloseAfter(Date.parse(read.now)));
    const bad = await post(sim, "/sim/clock", { advanceMs: -5 });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/advanceMs/);
    expect(((await get(sim, "/sim/clock")).json as { now: string }).now >= read.now).toBe(true);
    const moved = (await post(sim, "/sim/clock", { advanceMs: 60_000 })).json as { now: string };
    expect(Date.parse(moved.now) - Date.parse(read.now)).toBeGreaterThanOrEqual(60_000);
    expect(byId(orderId).status).toBe("Working");
    expect((await post(sim, "/sim/session-end")).json).toMatchObject({ expired: 1 });
    expect(byId(orderId).status).toBe("Expired");
  });
});

describe("Day orders at the session's close (ProjectX)", () => {
  it("a working order ends with status 4 (Expired) on the user hub and leaves Order/searchOpen", async () => {
    sim = await startSessionSim();
    const api = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${sim.projectx.apiUrl}/api/${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: ProjectX's JSON replies read field by field
      return (await res.json()) as any;
    };
    const token = (await api("Auth/loginKey", { userName: "topstep", apiKey: "sim-projectx-key" }))
      .token as string;
    const accountId = sim.control.records().cashBalances.find((b) => b.accountName === "TSX5001")!.accountId;
    const hub = await RawHub.open(`${sim.projectx.userHubUrl}?access_token=${token}`);
    hubs.push(hub);
    await hub.handshake();
    await hub.invoke("1", "SubscribeOrders", accountId);
    sim.control.setPrice("ES", 6800);
    const placed = await api(
      "Order/place",
      { accountId, contractId: "CON.F.US.EP.Z26", type: 1, side: 0, size: 1, limitPrice: 6790 },
      token,
    );
    expect(placed.success).toBe(true);
    expect((await api("Order/searchOpen", { accountId }, token)).orders).toHaveLength(1);

    sim.control.endSession();

    const expired = await hub.next(
      (m) =>
        m.target === "GatewayUserOrder" &&
        (m.arguments as Array<{ id: number; status: number }>)[0]!.status === 4,
    );
    expect((expired.arguments as Array<Record<string, unknown>>)[0]).toMatchObject({
      id: placed.orderId,
      status: 4,
      fillVolume: 0,
    });
    expect((await api("Order/searchOpen", { accountId }, token)).orders).toEqual([]);
  });
});

async function expectEventually(check: () => void): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
