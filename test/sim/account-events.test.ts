import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, parseScenario, type Simulator } from "../../engine/sim/index.js";
import { post, type RawClient, startSim, syncedClient, waitFor } from "./helpers.js";

/** Liquidation-only accounts, busted fills, and events that overtake their request's reply. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
async function client(user = "demo"): Promise<RawClient> {
  const c = await syncedClient(sim, user);
  clients.push(c);
  return c;
}

const market = (accountId: number, action: "Buy" | "Sell", qty: number) => ({
  accountId,
  action,
  symbol: "ESZ6",
  orderQty: qty,
  orderType: "Market",
  isAutomated: true,
});

describe("liquidation-only accounts", () => {
  it("refuse openings with LiquidationOnly and let reductions through; the risk status tells subscribers", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 3);
    sim.control.setLiquidationOnly("DEMO2001", true);
    await waitFor(() => c.props().some((p) => p.entityType === "accountRiskStatus"), "risk status event");
    expect(c.props().find((p) => p.entityType === "accountRiskStatus")!.entity).toMatchObject({
      id: 700002,
      adminAction: "LiquidateOnlyModeImmediately",
      liquidateOnly: expect.any(String),
    });
    const add = await c.request("order/placeorder", market(700002, "Buy", 1));
    expect(add.d).toEqual({ failureReason: "LiquidationOnly", failureText: expect.any(String) });
    const flip = await c.request("order/placeorder", market(700002, "Sell", 4));
    expect(flip.d).toMatchObject({ failureReason: "LiquidationOnly" });
    expect((await c.request("order/placeorder", market(700002, "Sell", 2))).d).toEqual({
      orderId: expect.any(Number),
    });
    // A working reduction counts: a second one that, with it, would cross zero is an opening.
    const resting = await c.request("order/placeorder", {
      ...market(700002, "Sell", 1),
      orderType: "Limit",
      price: 6900,
    });
    expect(resting.d).toEqual({ orderId: expect.any(Number) });
    expect((await c.request("order/placeorder", market(700002, "Sell", 1))).d).toMatchObject({
      failureReason: "LiquidationOnly",
    });
    const rec = sim.control.records();
    expect(rec.positions.find((p) => p.accountName === "DEMO2001")!.netPos).toBe(1);
    expect(rec.orders.filter((o) => o.failureReason === "LiquidationOnly")).toHaveLength(3);
    // Other accounts trade as before; switching it off restores openings.
    expect((await c.request("order/placeorder", market(700003, "Buy", 1))).d).toHaveProperty("orderId");
    sim.control.setLiquidationOnly("DEMO2001", false);
    expect((await c.request("order/placeorder", market(700002, "Buy", 1))).d).toHaveProperty("orderId");
  });

  it("can start liquidation-only from the scenario, visible in the snapshot", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "prop",
          password: "prop",
          accounts: [{ name: "APEX3001", balance: 50000, liquidationOnly: true }],
        },
      ],
    });
    sim = await startSim({ scenario });
    const t = await post(sim, "/v1/auth/accesstokenrequest", { name: "prop", password: "prop" });
    const token = (t.json as { accessToken: string }).accessToken;
    const status = await fetch(`${sim.restUrl}/accountRiskStatus/list`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await status.json()).toEqual([
      expect.objectContaining({ id: 700001, adminAction: "LiquidateOnlyModeImmediately" }),
    ]);
    const r = await post(sim, "/v1/order/placeorder", market(700001, "Buy", 1), token);
    expect(r.json).toMatchObject({ failureReason: "LiquidationOnly" });
  });

  it("a locked account cannot be put in or out of liquidation-only", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "prop",
          password: "prop",
          accounts: [{ name: "APEX3001", balance: 50000, dailyLossAutoLiq: 100 }],
        },
      ],
    });
    sim = await startSim({ scenario });
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6790); // -$500: auto-liquidated and locked
    expect(() => sim.control.setLiquidationOnly("APEX3001", false)).toThrow(/locked/);
    expect(() => sim.control.setLiquidationOnly("NOPE", true)).toThrow(/unknown account/);
  });
});

describe("busted fills", () => {
  it("the fill is Updated with active:false; position, cash and fill pairs are corrected", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6810);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6820);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1); // closes the 6800 lot: +$1,000
    const [first] = sim.control.records().fills;
    expect(sim.control.records().cashBalances[0]).toMatchObject({
      realizedPnL: 1000,
      amount: 50000 + 1000 - 6.75,
    });
    await waitFor(() => c.props().some((p) => p.entityType === "fillPair"), "fill pair");
    const before = c.props().length;

    expect(sim.control.bustFill(first!.fillId)).toEqual({
      fillId: first!.fillId,
      orderId: first!.orderId,
      accountName: "DEMO1000",
    });
    await waitFor(() => c.props().length > before + 4, "bust events");
    const events = c.props().slice(before);
    expect(events.map((p) => `${p.entityType} ${p.eventType}`)).toEqual([
      "executionReport Created",
      "fill Updated",
      "position Updated",
      "cashBalance Updated",
      "fillPair Updated",
      "fillPair Created",
    ]);
    expect(events[0]!.entity).toMatchObject({ execType: "TradeCancel", orderId: first!.orderId });
    expect(events[1]!.entity).toMatchObject({ id: first!.fillId, active: false });
    // Without the 6800 buy the sell closed the 6810 lot: flat, +$500, and the first fill's fee refunded.
    expect(events[2]!.entity).toMatchObject({ netPos: 0, bought: 1, sold: 1 });
    expect(events[3]!.entity).toMatchObject({ realizedPnL: 500, amount: 50000 + 500 - 4.5 });
    expect(events[4]!.entity).toMatchObject({ buyFillId: first!.fillId, active: false });
    expect(events[5]!.entity).toMatchObject({
      buyFillId: sim.control.records().fills[1]!.fillId,
      active: true,
    });
    const rec = sim.control.records();
    expect(rec.fills[0]).toMatchObject({ fillId: first!.fillId, active: false });
    expect(rec.positions[0]!.netPos).toBe(0);
    expect(rec.cashBalances[0]).toMatchObject({ realizedPnL: 500, fees: 4.5 });
    expect(() => sim.control.bustFill(first!.fillId)).toThrow(/already busted/);
  });
});

describe("events before replies (fault)", () => {
  it("while on, a request's events reach the socket ahead of its reply; off, the reply is first again", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await client();
    /** Where the reply to `id` and the first event after `from` landed among the socket's messages. */
    const order = async (from: number, id: number) => {
      await waitFor(() => c.messages.slice(from).some((m) => m.e === "props"), "events");
      return {
        reply: c.messages.findIndex((m) => m.i === id),
        event: from + c.messages.slice(from).findIndex((m) => m.e === "props"),
      };
    };
    sim.control.eventsBeforeReplies(true);
    let from = c.messages.length;
    const early = await order(from, (await c.request("order/placeorder", market(700001, "Buy", 1))).i!);
    expect(early.event).toBeLessThan(early.reply);

    sim.control.eventsBeforeReplies(false);
    from = c.messages.length;
    const late = await order(from, (await c.request("order/placeorder", market(700001, "Sell", 1))).i!);
    expect(late.reply).toBeLessThan(late.event);
  });
});
