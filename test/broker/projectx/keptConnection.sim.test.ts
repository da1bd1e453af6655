import { afterEach, describe, expect, it } from "vitest";
import { type PxHarness, pxAccountId, startPxHarness } from "./harness.js";

let h: PxHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/**
 * ProjectX takes every order over REST. A connection dropped after a few quiet seconds (Node's
 * fetch keeps one 4 s when the server gives no hint, as ProjectX's does not) made a follower's
 * copy after a quiet spell open a new TCP and TLS connection before its order could go.
 */
describe("a ProjectX login's REST connection", () => {
  it("is kept through a quiet spell: the next order goes on the same connection", async () => {
    h = await startPxHarness({ hubPingMs: 200 });
    const { session, seen } = h.open({ accounts: ["TSX5002"] });
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5002");
    const order = (clOrdId: string, action: "Buy" | "Sell") =>
      session.placeOrder({ accountId, accountName: "TSX5002", symbol: "ESZ6", action, qty: 1, clOrdId });
    expect(await order("mk-1-5002", "Buy")).toMatchObject({ ok: true });
    await seen.next("fill");
    const opened = h.sim.control.connectionsOpened();
    // Longer than the 4 s Node's fetch keeps an idle connection.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await order("mk-2-5002", "Sell")).toMatchObject({ ok: true });
    await seen.next("fill", (e) => e.clOrdId === "mk-2-5002");
    expect(h.sim.control.connectionsOpened()).toBe(opened);
    const positions = h.sim.control.records().positions.filter((p) => p.accountName === "TSX5002");
    expect(positions.every((p) => p.netPos === 0)).toBe(true);
  }, 20_000);
});

describe("a ProjectX login stopping", () => {
  it("does not wait for a request the broker has not answered", async () => {
    h = await startPxHarness({ hubPingMs: 200 });
    const { session } = h.open({ accounts: ["TSX5002"] });
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5002");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => undefined;
    const atBroker = new Promise<void>((resolve) => {
      reached = resolve;
    });
    h.sim.control.interceptProjectX((route) => {
      if (route !== "Order/place") return undefined;
      reached();
      return held;
    });
    const order = session.placeOrder({
      ...{ accountId, accountName: "TSX5002", symbol: "ESZ6", action: "Buy", qty: 1 },
      clOrdId: "mk-3-5002",
    });
    await atBroker;
    let answered = false;
    void order.then(() => {
      answered = true;
    });
    await session.stop();
    expect(answered).toBe(false);
    release();
    await order;
    h.sim.control.interceptProjectX(undefined);
    // Started again, it trades on new connections.
    await session.start();
    const again = await session.placeOrder({
      ...{ accountId, accountName: "TSX5002", symbol: "ESZ6", action: "Sell", qty: 1 },
      clOrdId: "mk-4-5002",
    });
    expect(again).toMatchObject({ ok: true });
  }, 20_000);
});
