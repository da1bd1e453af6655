import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { get, login, post, RawClient, startSim, waitFor } from "./helpers.js";

/** Order checks as Tradovate makes them (tradovate-protocol.md §5, §11): business errors are HTTP 200. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});

const DEMO1000 = 700001;
const order = (patch: Record<string, unknown> = {}) => ({
  accountId: DEMO1000,
  action: "Buy",
  symbol: "ESZ6",
  orderQty: 1,
  orderType: "Market",
  isAutomated: true,
  ...patch,
});

async function socket(): Promise<RawClient> {
  const t = await login(sim);
  const c = await RawClient.authorized(sim, t.accessToken);
  clients.push(c);
  return c;
}

describe("order validation (§5.1, §11)", () => {
  it("an API order without isAutomated is refused with a business error, over REST and WS; no order is made", async () => {
    sim = await startSim();
    const t = await login(sim);
    const { isAutomated: _, ...body } = order();
    const rest = await post(sim, "/v1/order/placeorder", body, t.accessToken);
    expect(rest.status).toBe(200);
    expect(rest.json).toEqual({
      failureReason: "UnknownReason",
      failureText: expect.stringMatching(/isAutomated/),
    });
    const c = await socket();
    expect(await c.request("order/placeorder", body)).toMatchObject({
      s: 200,
      d: { failureReason: "UnknownReason", failureText: expect.stringMatching(/isAutomated/) },
    });
    // false is an answer too: a person entering the order.
    expect((await c.request("order/placeorder", order({ isAutomated: false }))).d).toEqual({
      orderId: expect.any(Number),
    });
    expect(sim.control.records().orders).toHaveLength(1);
  });

  it("prices off the tick grid are InvalidPrice, for limit, stop and stop-limit prices", async () => {
    sim = await startSim();
    const c = await socket();
    for (const patch of [
      { orderType: "Limit", price: 6790.1 },
      { orderType: "Stop", stopPrice: 6810.3 },
      { orderType: "StopLimit", stopPrice: 6810, price: 6811.2 },
      { orderType: "Limit", price: -6790 },
    ]) {
      const r = await c.request("order/placeorder", order(patch));
      expect(r.s, JSON.stringify(patch)).toBe(200);
      expect(r.d, JSON.stringify(patch)).toMatchObject({
        failureReason: "InvalidPrice",
        failureText: expect.stringContaining("tick size 0.25"),
      });
    }
    expect(sim.control.records().orders).toHaveLength(0);
  });

  it("a limit without a price and a stop without a stopPrice are InvalidPrice (HTTP 200, not 400)", async () => {
    sim = await startSim();
    const t = await login(sim);
    const limit = await post(sim, "/v1/order/placeorder", order({ orderType: "Limit" }), t.accessToken);
    expect([limit.status, limit.json]).toEqual([
      200,
      { failureReason: "InvalidPrice", failureText: "Limit orders need a price" },
    ]);
    const stop = await post(sim, "/v1/order/placeorder", order({ orderType: "Stop" }), t.accessToken);
    expect(stop.json).toEqual({ failureReason: "InvalidPrice", failureText: "Stop orders need a stopPrice" });
  });

  it("GTD needs an expireTime in the future; the order expires when it passes", async () => {
    sim = await startSim();
    const c = await socket();
    const gtd = { orderType: "Limit", price: 6700, timeInForce: "GTD" };
    expect((await c.request("order/placeorder", order(gtd))).d).toEqual({
      failureReason: "UnknownReason",
      failureText: expect.stringContaining("expireTime"),
    });
    expect(
      (await c.request("order/placeorder", order({ ...gtd, expireTime: "2020-01-01T00:00:00Z" }))).d,
    ).toMatchObject({ failureReason: "TooLate" });
    const soon = new Date(Date.parse(sim.control.clock().now) + 1000).toISOString(); // the venue's clock
    const placed = await c.request("order/placeorder", order({ ...gtd, expireTime: soon }));
    const orderId = (placed.d as { orderId: number }).orderId;
    expect(sim.control.records().workingOrders).toEqual([
      expect.objectContaining({ orderId, timeInForce: "GTD", status: "Working" }),
    ]);
    // Expiry is noticed on market events; the price walks a tick at a time until it is.
    await waitFor(() => {
      sim.control.jumpPrice("ES", 0.25);
      return sim.control.records().orders[0]!.status === "Expired";
    }, "the GTD order to expire");
    expect(sim.control.records().workingOrders).toEqual([]);
  });

  it("order types the venue does not run are Unsupported", async () => {
    sim = await startSim();
    const c = await socket();
    expect((await c.request("order/placeorder", order({ orderType: "MIT", price: 6800 }))).d).toMatchObject({
      failureReason: "Unsupported",
    });
  });

  it("liquidateposition with admin:true is refused for a non-admin; admin:false works", async () => {
    sim = await startSim();
    const c = await socket();
    await c.request("order/placeorder", order());
    const contractId = sim.control.records().positions[0]!.contractId;
    const admin = await c.request("order/liquidateposition", {
      accountId: DEMO1000,
      contractId,
      admin: true,
      isAutomated: true,
    });
    expect(admin).toMatchObject({ s: 200, d: { failureReason: "Unauthorized" } });
    expect(sim.control.records().positions[0]!.netPos).toBe(1);
    const plain = await c.request("order/liquidateposition", {
      accountId: DEMO1000,
      contractId,
      admin: false,
      isAutomated: true,
    });
    expect(plain.d).toEqual({ orderId: expect.any(Number) });
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
  });

  it("a malformed body is still a 400 Violation", async () => {
    sim = await startSim();
    const c = await socket();
    const r = await c.request("order/placeorder", order({ orderQty: 0 }));
    expect(r.s).toBe(400);
    expect(r.d).toEqual(expect.stringContaining("orderQty"));
  });
});

describe("reads whose body is the text `undefined` (Tradovate's own example sends it)", () => {
  it("are served over the socket and over REST", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await socket();
    const r = await c.request("account/list", undefined, "undefined");
    expect(r.s).toBe(200);
    expect((r.d as unknown[]).length).toBe(4);
    const res = await fetch(`${sim.restUrl}/account/list`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.accessToken}`, "content-type": "application/json" },
      body: "undefined",
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(4);
    expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(200);
  });
});
