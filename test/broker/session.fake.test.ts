/**
 * Session behaviour against a scripted fake server: framing, authorize, heartbeats, watchdog,
 * malformed frames, timeouts, auth failures. The simulator suite covers the trading flows.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBrokerSession } from "../../engine/broker/index.js";
import { SYNC_ENTITY_TYPES } from "../../engine/broker/syncRequest.js";
import type { BrokerSession } from "../../engine/types.js";
import { collect, recordingLogger } from "./helpers/collect.js";
import {
  DEFAULT_SNAPSHOT,
  defaultReply,
  type FakeOptions,
  type FakeTradovate,
  startFakeTradovate,
  waitFor,
} from "./helpers/fakeTradovate.js";

const CREDS = {
  name: "demo",
  password: "pw-SECRET",
  appId: "mimik",
  appVersion: "0.1",
  cid: 7,
  sec: "sec-SECRET",
  deviceId: "dev-1",
};

let fake: FakeTradovate | undefined;
let session: BrokerSession | undefined;

afterEach(async () => {
  await session?.stop();
  await fake?.close();
  session = fake = undefined;
});

async function setup(fakeOpts: FakeOptions = {}, sessionOpts: Record<string, unknown> = {}) {
  fake = await startFakeTradovate(fakeOpts);
  const logger = recordingLogger();
  session = createBrokerSession({
    connection: "test",
    restUrl: fake.restUrl,
    wsUrl: fake.wsUrl,
    mdUrl: fake.wsUrl,
    credentials: CREDS,
    logger,
    heartbeatMs: 50,
    watchdogMs: 2000,
    requestTimeoutMs: 1000,
    reconnect: { initialMs: 20, maxMs: 100 },
    syncSettleMs: 20,
    ...sessionOpts,
  });
  const seen = collect(session);
  return { fake, session, logger, seen };
}

function noSecrets(lines: string[]): void {
  for (const l of lines) {
    expect(l).not.toContain("SECRET");
    expect(l).not.toContain("fake-token");
  }
}

describe("BrokerSession against a fake server", () => {
  it("logs in, authorizes with the bare token, syncs once and sends [] heartbeats", async () => {
    const { fake, session, seen, logger } = await setup();
    await session.start();
    expect(session.state()).toBe("connected");
    const login = fake.restCalls.find((c) => c.path === "auth/accesstokenrequest")!;
    expect(JSON.parse(login.body)).toEqual({ ...CREDS });
    expect(fake.restCalls.find((c) => c.path === "account/list")?.auth).toBe("Bearer fake-token");
    expect(fake.frames[0]![0]).toBe("authorize\n1\n\nfake-token");
    const syncs = fake.requests.filter((r) => r.endpoint === "user/syncrequest");
    expect(syncs).toHaveLength(1);
    // Entity types named (Tradovate's default is now none) and split responses asked for.
    expect(JSON.parse(syncs[0]!.body)).toEqual({
      accounts: [100],
      entityTypes: [...SYNC_ENTITY_TYPES],
      splitResponses: true,
    });
    const sync = await seen.next("sync");
    expect(sync).toMatchObject({ initial: true, accounts: [{ id: 100, name: "DEMO100" }], fillIds: [] });
    expect(seen.of("balance")).toEqual([
      { type: "balance", connection: "test", accountId: 100, amount: 50_000, realizedPnL: 0 },
    ]);
    await waitFor(() => fake.frames[0]!.filter((f) => f === "[]").length >= 3, 3000, "heartbeats");
    noSecrets(logger.lines);
  });

  it("authorizes after the fallback delay when no `o` frame comes", async () => {
    const { fake, session } = await setup({ sendOpen: false }, { authorizeFallbackMs: 100 });
    await session.start();
    expect(session.state()).toBe("connected");
    expect(fake.frames[0]!.find((f) => f.startsWith("authorize"))).toBe("authorize\n1\n\nfake-token");
  });

  it("skips malformed frames and messages, logs them, and keeps going", async () => {
    const { fake, session, seen, logger } = await setup();
    await session.start();
    fake.sendAll("a[{not json");
    fake.sendAll("zzz");
    fake.sendAll("a{}");
    fake.sendAll("");
    fake.sendAll('a[42,{"e":"props","d":{"entityType":"fill","entity":{"id":"bad"}}},{"e":"props"}]');
    const order = { id: 5, accountId: 100, contractId: 9001, ordStatus: "Filled", action: "Buy" };
    const fill = { id: 6, orderId: 5, contractId: 9001, action: "Buy", qty: 1, price: 6000.5, active: true };
    fake.sendAll(
      `a${JSON.stringify([
        { e: "props", d: { entityType: "order", eventType: "Created", entity: order } },
        { e: "props", d: { entityType: "fill", eventType: "Created", entity: [fill] } },
      ])}`,
    );
    const f = await seen.next("fill");
    expect(f).toMatchObject({
      fillId: 6,
      accountId: 100,
      contract: "ESZ6",
      side: "Buy",
      qty: 1,
      price: 6000.5,
    });
    expect(session.state()).toBe("connected");
    expect(logger.lines.filter((l) => l.startsWith("warn")).length).toBeGreaterThanOrEqual(5);
    noSecrets(logger.lines);
  });

  it("fetches an unknown order and contract before emitting a fill", async () => {
    const respond: FakeOptions["respond"] = (req) => {
      if (req.endpoint === "order/item") {
        return [{ s: 200, i: req.id, d: { id: 55, accountId: 100, contractId: 9100, ordStatus: "Filled" } }];
      }
      if (req.endpoint === "contract/item") {
        return [{ s: 200, i: req.id, d: { id: 9100, name: "NQZ6", contractMaturityId: 61 } }];
      }
      if (req.endpoint === "contractMaturity/item")
        return [{ s: 200, i: req.id, d: { id: 61, productId: 8 } }];
      if (req.endpoint === "product/item") {
        return [{ s: 200, i: req.id, d: { id: 8, name: "NQ", tickSize: 0.25, valuePerPoint: 20 } }];
      }
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const { fake, session, seen } = await setup({ respond }, { orderWaitMs: 20 });
    await session.start();
    const fill = {
      id: 56,
      orderId: 55,
      contractId: 9100,
      action: "Sell",
      qty: 2,
      price: 25000,
      active: true,
    };
    fake.sendAll(
      `a${JSON.stringify([{ e: "props", d: { entityType: "fill", eventType: "Created", entity: fill } }])}`,
    );
    const f = await seen.next("fill");
    expect(f).toMatchObject({ fillId: 56, accountId: 100, contract: "NQZ6", side: "Sell" });
    expect(session.contractById("9100")).toEqual({
      id: "9100",
      name: "NQZ6",
      root: "NQ",
      tickSize: 0.25,
      pointValue: 20,
    });
    const asked = fake.requests.map((r) => `${r.endpoint}?${r.query}`);
    expect(asked).toEqual(
      expect.arrayContaining([
        "order/item?id=55",
        "contract/item?id=9100",
        "contractMaturity/item?id=61",
        "product/item?id=8",
      ]),
    );
  });

  it("drops only the fill whose order the broker does not know", async () => {
    const respond: FakeOptions["respond"] = (req) => {
      if (req.endpoint === "order/item") return [{ s: 404, i: req.id, d: '"order not found"' }];
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const { fake, session, seen, logger } = await setup({ respond }, { orderWaitMs: 20 });
    await session.start();
    const orphan = { id: 70, orderId: 404, contractId: 9001, action: "Buy", qty: 1, price: 1, active: true };
    fake.sendAll(
      `a${JSON.stringify([{ e: "props", d: { entityType: "fill", eventType: "Created", entity: orphan } }])}`,
    );
    await waitFor(() => logger.lines.some((l) => l.includes("order is unknown")), 3000, "drop warning");
    const order = { id: 71, accountId: 100, contractId: 9001, ordStatus: "Filled", action: "Buy" };
    const fill = { id: 72, orderId: 71, contractId: 9001, action: "Buy", qty: 1, price: 2, active: true };
    fake.sendAll(
      `a${JSON.stringify([
        { e: "props", d: { entityType: "fill", eventType: "Created", entity: fill } },
        { e: "props", d: { entityType: "order", eventType: "Created", entity: order } },
      ])}`,
    );
    await seen.next("fill", (f) => f.fillId === 72);
    expect(seen.of("fill").map((f) => f.fillId)).toEqual([72]);
  });

  it("returns Timeout when an order gets no reply, never throwing", async () => {
    const respond: FakeOptions["respond"] = (req) =>
      req.endpoint === "order/placeorder" ? undefined : defaultReply(req, DEFAULT_SNAPSHOT);
    const { fake, session } = await setup({ respond }, { requestTimeoutMs: 200 });
    await session.start();
    const result = await session.placeOrder({
      accountId: 100,
      accountName: "DEMO100",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "cp-1",
    });
    expect(result).toMatchObject({ ok: false, failureReason: "Timeout" });
    expect(result.writtenAt).toBeTypeOf("number");
    const sent = fake.requests.find((r) => r.endpoint === "order/placeorder")!;
    expect(JSON.parse(sent.body)).toEqual({
      accountSpec: "DEMO100",
      accountId: 100,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
      clOrdId: "cp-1",
    });
  });

  it("reports Disconnected for an order in flight when the socket dies, then reconnects and re-syncs", async () => {
    const respond: FakeOptions["respond"] = (req, ws) => {
      if (req.endpoint === "order/placeorder") {
        ws.terminate();
        return undefined;
      }
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const { session, seen } = await setup({ respond });
    await session.start();
    const result = await session.placeOrder({
      accountId: 100,
      accountName: "DEMO100",
      symbol: "ESZ6",
      action: "Sell",
      qty: 1,
      clOrdId: "cp-2",
    });
    expect(result).toMatchObject({ ok: false, failureReason: "Disconnected" });
    await seen.next("sync", (e) => !e.initial);
    await waitFor(() => session.state() === "connected");
    const states = seen.of("connection").map((e) => e.state);
    expect(states).toEqual(["connecting", "connected", "reconnecting", "connected"]);
  });

  // §3.7: the snapshot of the new socket is the truth. Live events that came on a socket which
  // died before its own snapshot was complete are older than it: replayed on top of the new
  // snapshot they bring back a position and a working order that are gone.
  it("drops what a socket that died before its snapshot had buffered", async () => {
    const position = { id: 1, accountId: 100, contractId: 9001, netPos: 3, netPrice: 6000 };
    const order = { id: 40, accountId: 100, contractId: 9001, ordStatus: "Working", action: "Buy" };
    const respond: FakeOptions["respond"] = (req, ws) => {
      if (req.endpoint === "user/syncrequest" && fake!.sockets.indexOf(ws) === 0) {
        const props = [
          { e: "props", d: { entityType: "position", eventType: "Updated", entity: position } },
          { e: "props", d: { entityType: "order", eventType: "Created", entity: order } },
        ];
        ws.send(`a${JSON.stringify(props)}`);
        // A close frame, not a dropped connection: it comes after the events, never before.
        ws.send('c[3000,"Go away!"]');
        return undefined;
      }
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const { fake, session, seen } = await setup({ respond });
    await session.start();
    await seen.next("sync");
    expect(fake.sockets).toHaveLength(2);
    expect(session.positions(100)).toEqual([]);
    expect(session.workingOrders(100)).toEqual([]);
    expect(seen.of("position")).toEqual([]);
  });

  it("declares a silent socket dead (watchdog) and reconnects", async () => {
    const { fake, session, seen } = await setup({}, { watchdogMs: 300 });
    await session.start();
    const lost = await seen.next("connection", (e) => e.state === "reconnecting", 3000);
    expect(lost.reason).toMatch(/watchdog/);
    await seen.next("sync", (e) => !e.initial, 3000);
    expect(fake.frames.length).toBeGreaterThanOrEqual(2);
    // One login for the whole life of the session: the token is reused on reconnect.
    expect(fake.restCalls.filter((c) => c.path === "auth/accesstokenrequest")).toHaveLength(1);
  });

  it("treats a shutdown event as a disconnect with its reason", async () => {
    const { fake, session, seen } = await setup();
    await session.start();
    fake.sendAll('a[{"e":"shutdown","d":{"reasonCode":"Maintenance","reason":"weekly"}}]');
    const lost = await seen.next("connection", (e) => e.state === "reconnecting");
    expect(lost.reason).toContain("Maintenance");
    await seen.next("sync", (e) => !e.initial);
  });

  // §3.4, §6, §11: a quota shutdown means another login took the session; reconnecting at once
  // fights it, also when the shutdown comes before the snapshot.
  it("a quota shutdown while syncing backs off like any superseded session", async () => {
    const respond: FakeOptions["respond"] = (req, ws) => {
      if (req.endpoint === "user/syncrequest" && fake!.sockets.indexOf(ws) === 0) {
        return [{ e: "shutdown", d: { reasonCode: "ConnectionQuotaReached" } }];
      }
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const superseded = { backoffMs: 60_000, maxBackoffMs: 60_000, loopCount: 3, loopWindowMs: 60_000 };
    const { fake, session, seen } = await setup({ respond }, { superseded });
    await session.start();
    const alert = await seen.next("brokerAlert", undefined, 3000);
    expect(alert.message).toMatch(/Another login/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.sockets).toHaveLength(1);
  });

  it("logs in again when authorize is refused", async () => {
    let refused = 0;
    const respond: FakeOptions["respond"] = (req) => {
      if (req.endpoint === "authorize" && refused++ === 0) {
        return [{ s: 401, i: req.id, d: "Invalid access token" }];
      }
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const { fake, session, seen } = await setup({ respond });
    await session.start();
    await seen.next("sync");
    expect(fake.restCalls.filter((c) => c.path === "auth/accesstokenrequest")).toHaveLength(2);
  });

  it("stops with reauth-needed on a refused login (errorText), without retrying", async () => {
    const { fake, session, logger } = await setup({
      loginReply: () => ({ errorText: "Incorrect username or password. Please try again." }),
    });
    await session.start();
    expect(session.state()).toBe("reauth-needed");
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.restCalls.filter((c) => c.path === "auth/accesstokenrequest")).toHaveLength(1);
    noSecrets(logger.lines);
  });

  it("waits out a login penalty ticket and resends the same body with p-ticket", async () => {
    const { fake, session } = await setup({
      loginReply: (n) =>
        n === 0
          ? { "p-ticket": "tkt-1", "p-time": 0.05 }
          : { accessToken: "fake-token", expirationTime: new Date(Date.now() + 3_600_000).toISOString() },
    });
    await session.start();
    expect(session.state()).toBe("connected");
    const logins = fake.restCalls
      .filter((c) => c.path === "auth/accesstokenrequest")
      .map((c) => JSON.parse(c.body));
    expect(logins).toEqual([{ ...CREDS }, { ...CREDS, "p-ticket": "tkt-1" }]);
  });

  // §3.3, §6: a penalty on user/syncrequest is waited out and the request resent with its ticket
  // (as Tradovate's SDK does). Only an order fails fast on a long ticket: a late copy trades a
  // stale price. Reconnecting instead asks again without the ticket, before p-time, on a new socket.
  it("waits out a penalty ticket on user/syncrequest and resends it with p-ticket", async () => {
    let syncs = 0;
    const respond: FakeOptions["respond"] = (req) => {
      if (req.endpoint === "user/syncrequest" && syncs++ === 0) {
        return [{ s: 200, i: req.id, d: { "p-ticket": "sync-tkt", "p-time": 1.2 } }];
      }
      return defaultReply(req, DEFAULT_SNAPSHOT);
    };
    const { fake, session, seen } = await setup({ respond });
    await session.start();
    await seen.next("sync", undefined, 5000);
    expect(fake.sockets).toHaveLength(1);
    const bodies = fake.requests
      .filter((r) => r.endpoint === "user/syncrequest")
      .map((r) => JSON.parse(r.body));
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual({ ...bodies[0], "p-ticket": "sync-tkt" });
  });

  it("stops with a clear reason on a captcha penalty", async () => {
    const { session, seen } = await setup({
      loginReply: () => ({ "p-ticket": "tkt", "p-time": 5, "p-captcha": true }),
    });
    await session.start();
    expect(session.state()).toBe("reauth-needed");
    expect(seen.of("connection").at(-1)?.reason).toMatch(/captcha/);
  });

  it("goes down when none of the configured accounts exists", async () => {
    const { session, seen } = await setup({}, { accounts: ["NOPE1"] });
    await session.start();
    expect(session.state()).toBe("down");
    expect(seen.of("connection").at(-1)?.reason).toContain("NOPE1");
  });

  it("gives up (down) after repeated 4xx replies instead of looping", async () => {
    const { fake, session, seen } = await setup({ accountListStatus: 403 });
    await session.start();
    await seen.next("connection", (e) => e.state === "down");
    expect(seen.of("connection").at(-1)?.reason).toMatch(/403.*gave up after 3/);
    expect(fake.restCalls.filter((c) => c.path === "account/list")).toHaveLength(3);
  });

  it("orders while disconnected fail fast with Disconnected", async () => {
    const { session } = await setup();
    const r = await session.cancelOrder(1);
    expect(r).toMatchObject({ ok: false, failureReason: "Disconnected" });
    const l = await session.liquidatePosition(100, "9001");
    expect(l.ok).toBe(false);
  });
});
