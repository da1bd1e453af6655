import { describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { AccountDirectory } from "../../engine/accounts/directory.js";
import { clOrdIdFor, LeaderGuardError, OrderGateway } from "../../engine/orders/gateway.js";
import type { EngineEvent, OrderResult } from "../../engine/types.js";
import { FakeBroker, type FakeSession, fakeClock } from "../copier/fakeBroker.js";

const config: Config = {
  version: 1,
  connections: [],
  accounts: [
    { name: "LEAD1", connection: "c1" },
    { name: "FOL1", connection: "c1" },
    { name: "FOL2", connection: "c2" },
  ],
  groups: [
    {
      name: "g",
      active: true,
      leader: "LEAD1",
      whitelist: { enabled: false, symbols: [] },
      followers: [
        {
          account: "FOL1",
          enabled: true,
          sizing: { mode: "multiplier", value: 1 },
          mapping: "none",
          limits: {},
        },
        {
          account: "FOL2",
          enabled: true,
          sizing: { mode: "multiplier", value: 1 },
          mapping: "none",
          limits: {},
        },
      ],
    },
  ],
};

function setup() {
  const clock = fakeClock();
  const broker = new FakeBroker(clock);
  const c1 = broker.session("c1");
  const c2 = broker.session("c2");
  broker.addAccount(c1, 1, "LEAD1");
  broker.addAccount(c1, 2, "FOL1");
  broker.addAccount(c2, 3, "FOL2");
  const ids: Record<string, { session: FakeSession; accountId: number }> = {
    LEAD1: { session: c1, accountId: 1 },
    FOL1: { session: c1, accountId: 2 },
    FOL2: { session: c2, accountId: 3 },
  };
  const directory = new AccountDirectory();
  directory.setConfig(config);
  directory.learn(c1, c1.accounts());
  directory.learn(c2, c2.accounts());
  const events: EngineEvent[] = [];
  const gateway = new OrderGateway({ clock, emit: (e) => events.push(e), leaders: directory });
  return { clock, broker, c1, c2, gateway, events, ids, directory };
}

const order = (over: Record<string, unknown> = {}) => ({
  side: "Buy" as const,
  qty: 1,
  symbol: "ESZ6",
  clOrdId: "mk-1-2",
  ...over,
});

describe("leader guard", () => {
  it("refuses a leader by name, whatever id is passed: the session is never called and an error alert goes out", () => {
    const { gateway, broker, c1, events } = setup();
    expect(() => gateway.placeMarket({ follower: "LEAD1", accountId: 99, session: c1, ...order() })).toThrow(
      LeaderGuardError,
    );
    expect(broker.placed).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ type: "alert", level: "error", group: "g" })]);
  });

  it("refuses a leader by account id on its connection, whatever name is passed", () => {
    const { gateway, broker, c1 } = setup();
    expect(() => gateway.placeMarket({ follower: "FOL1", accountId: 1, session: c1, ...order() })).toThrow(
      /leader of group "g"/,
    );
    expect(() => gateway.cancel({ follower: "FOL1", accountId: 1, session: c1, orderId: 5 })).toThrow(
      LeaderGuardError,
    );
    expect(() => gateway.liquidate({ follower: "FOL1", accountId: 1, session: c1, contractId: "5" })).toThrow(
      LeaderGuardError,
    );
    expect(broker.placed).toEqual([]);
    expect(broker.cancels).toEqual([]);
    expect(broker.liquidations).toEqual([]);
  });

  it("the same id on another connection is a different account", () => {
    const { gateway, broker, c2 } = setup();
    void gateway.placeMarket({
      follower: "FOL2",
      accountId: 1,
      session: c2,
      ...order(),
    });
    expect(broker.placed).toHaveLength(1);
  });

  it("follows config reloads (the directory's roles)", () => {
    const { gateway, broker, c1, directory } = setup();
    directory.setConfig({ ...config, groups: [] });
    void gateway.placeMarket({
      follower: "LEAD1",
      accountId: 1,
      session: c1,
      ...order(),
    });
    expect(broker.placed).toHaveLength(1);
  });
});

describe("orders", () => {
  it("sends market orders through the session and records written/ack latency", async () => {
    const { gateway, broker, c1, clock } = setup();
    const started = clock.mono();
    clock.advance(2);
    const result = gateway.placeMarket({
      follower: "FOL1",
      accountId: 2,
      session: c1,
      startedAt: started,
      ...order({ qty: 3, side: "Sell" }),
    });
    expect(broker.placed).toEqual([
      expect.objectContaining({ accountId: 2, accountName: "FOL1", symbol: "ESZ6", action: "Sell", qty: 3 }),
    ]);
    expect(gateway.inFlight("FOL1")).toBe(1);
    await broker.flush();
    expect((await result).ok).toBe(true);
    expect(gateway.inFlight("FOL1")).toBe(0);
    expect(gateway.latency("written")).toEqual({ p50: 2, p99: 2, count: 1 });
    expect(gateway.latency("ack").count).toBe(1);
  });

  it("writes every follower's order before any ack: fan-out is not a loop of awaits", () => {
    const { gateway, broker, c1, c2 } = setup();
    void gateway.placeMarket({
      follower: "FOL1",
      accountId: 2,
      session: c1,
      ...order(),
    });
    void gateway.placeMarket({
      follower: "FOL2",
      accountId: 3,
      session: c2,
      ...order(),
    });
    void gateway.placeMarket({
      follower: "FOL1",
      accountId: 2,
      session: c1,
      ...order({ clOrdId: "b" }),
    });
    expect(broker.placed.map((p) => p.clOrdId)).toEqual(["mk-1-2", "mk-1-2", "b"]);
    expect(gateway.inFlight("FOL1")).toBe(2);
    expect(gateway.inFlight("FOL2")).toBe(1);
  });

  it("a throwing or failing session becomes a failed result, not an exception", async () => {
    const { gateway, c1 } = setup();
    c1.placeOrder = () => {
      throw new Error("socket closed");
    };
    const result: OrderResult = await gateway.placeMarket({
      follower: "FOL1",
      accountId: 2,
      session: c1,
      ...order(),
    });
    expect(result).toEqual(expect.objectContaining({ ok: false, failureReason: "broker error" }));
    expect(gateway.inFlight("FOL1")).toBe(0);
  });

  it("hands the answer on two microtask turns after the broker's, its latency recorded and its lane freed", async () => {
    // 200 orders a leader fill at 200 followers: every promise between the broker's answer and
    // the copier is one more job and one more allocation for each.
    const { gateway, c1, clock } = setup();
    const answer: OrderResult = { ok: true, orderId: 7, writtenAt: clock.mono(), ackAt: clock.mono() };
    c1.placeOrder = () => Promise.resolve(answer);
    let seen: OrderResult | undefined;
    void gateway
      .placeMarket({ follower: "FOL1", accountId: 2, session: c1, startedAt: clock.mono(), ...order() })
      .then((r) => {
        seen = r;
      });
    for (let turn = 0; turn < 2 && seen === undefined; turn++) await null;
    expect(seen).toBe(answer);
    expect(gateway.inFlight("FOL1")).toBe(0);
    expect(gateway.latency("ack").count).toBe(1);
  });

  it("records the latency of a failed call too, as one that answered", async () => {
    const { gateway, c1, clock } = setup();
    c1.placeOrder = () => Promise.reject(new Error("socket closed"));
    const result = await gateway.placeMarket({
      follower: "FOL1",
      accountId: 2,
      session: c1,
      startedAt: clock.mono(),
      ...order(),
    });
    expect(result).toEqual(expect.objectContaining({ ok: false, failureReason: "broker error" }));
    expect(gateway.latency("ack").count).toBe(1);
    expect(gateway.latency("written").count).toBe(0);
  });

  it.each([
    [{ qty: 0 }, /qty/],
    [{ qty: 1.5 }, /qty/],
    [{ symbol: "" }, /symbol/],
    [{ clOrdId: "x".repeat(65) }, /clOrdId/],
  ])("refuses a bad request %o with a clear message", (over, message) => {
    const { gateway, c1, broker } = setup();
    expect(() =>
      gateway.placeMarket({
        follower: "FOL1",
        accountId: 2,
        session: c1,
        ...order(over),
      }),
    ).toThrow(message);
    expect(broker.placed).toEqual([]);
  });

  it("clOrdId names the leader fill and the follower, within 64 characters", () => {
    expect(clOrdIdFor(123, 456)).toBe("mk-123-456");
    expect(clOrdIdFor(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).length).toBeLessThanOrEqual(64);
  });
});

describe("flushing a fan-out", () => {
  it("asks each session written to since the last flush, once, to send what it holds back", () => {
    const { gateway, c1, c2, ids } = setup();
    const flushed: string[] = [];
    (c1 as unknown as { flushWrites(): void }).flushWrites = () => flushed.push("c1");
    (c2 as unknown as { flushWrites(): void }).flushWrites = () => flushed.push("c2");
    const order = (follower: "FOL1" | "FOL2", n: number) => ({
      follower,
      ...ids[follower]!,
      symbol: "ESZ6",
      side: "Buy" as const,
      qty: 1,
      clOrdId: `mk-${n}-${ids[follower]!.accountId}`,
    });
    void gateway.placeMarket(order("FOL1", 1));
    void gateway.placeMarket(order("FOL1", 2));
    void gateway.placeMarket(order("FOL2", 3));
    gateway.flush();
    expect(flushed.sort()).toEqual(["c1", "c2"]);
    gateway.flush();
    expect(flushed).toHaveLength(2);
  });
});
