/**
 * The client against the strict simulator over real sockets (issue 12 client items, issue 13 #9,
 * #10). What matters is judged on the simulator's records, or on what the client sent.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, parseScenario } from "../../engine/sim/index.js";
import type { BrokerAlertEvent, OrderResult, PlaceOrderRequest } from "../../engine/types.js";
import { waitFor } from "./helpers/fakeTradovate.js";
import { type SimHarness, startSimHarness } from "./helpers/sim.js";

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** A fetch that counts logins (every login opens a Tradovate session). */
function countingFetch() {
  const logins: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    if (String(input).includes("auth/accesstokenrequest")) logins.push(String(init?.body ?? ""));
    return fetch(input, init);
  };
  return { logins, fetchImpl };
}

function order(
  session: { accounts(): Array<{ id: number; name: string }> },
  clOrdId: string,
  over: Partial<PlaceOrderRequest> = {},
): PlaceOrderRequest {
  const a = session.accounts().find((x) => x.name === "DEMO1000")!;
  return { accountId: a.id, accountName: a.name, symbol: "ESZ6", action: "Buy", qty: 1, clOrdId, ...over };
}

const alerts = (events: Array<{ type: string }>) =>
  events.filter((e): e is BrokerAlertEvent => e.type === "brokerAlert").map((e) => e.message);

describe("sync: named entity types, split replies", () => {
  it("gets every collection it needs from a split snapshot; history fills are never copied", async () => {
    h = await startSimHarness();
    for (let i = 0; i < 150; i++) h.sim.control.manualTrade("DEMO1000", "ESZ6", i % 2 ? "Sell" : "Buy", 1);
    h.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    const { session, seen, logger } = h.open();
    await session.start();
    const sync = await seen.next("sync");
    // None had live: each comes once as history (for the journal), none as a fill to copy.
    expect(sync.fillIds).toEqual([]);
    expect(new Set(seen.of("historyFill").map((f) => f.fillId)).size).toBe(151);
    expect(seen.of("historyFill")).toHaveLength(151);
    expect(sync.positions).toEqual(
      expect.arrayContaining([expect.objectContaining({ contract: "ESZ6", netPos: 2 })]),
    );
    expect(logger.lines.some((l) => l.includes("assembled from parts"))).toBe(true);
    expect(session.cashBalance(sync.accounts[0]!.id)).toBeDefined();
    expect(seen.of("fill")).toEqual([]);
    // Live events of the named types keep flowing.
    h.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await seen.next("fill", (f) => f.side === "Sell" && f.qty === 2);
    await seen.next("position", (p) => p.position.netPos === 0);
  });
});

describe("API key", () => {
  const keyed = (permissions: "full" | "none") =>
    parseScenario(
      {
        ...defaultScenario,
        users: [
          ...defaultScenario.users.filter((u) => u.name === "demo"),
          {
            name: "trader",
            password: "trader-pw",
            apiKey: { appId: "my-copier", cid: 77, sec: "trader-sec", permissions },
            accounts: [{ name: "TRADER1", balance: 10_000 }],
          },
        ],
      },
      "keyed",
    );
  const creds = (over: Record<string, unknown> = {}) => ({
    credentials: {
      name: "trader",
      password: "trader-pw",
      appId: "my-copier",
      appVersion: "1",
      cid: 77,
      sec: "trader-sec",
      deviceId: "dev",
      ...over,
    },
  });

  it("logs in with the key's appId, cid and sec; a wrong appId is refused once, clearly", async () => {
    h = await startSimHarness({ scenario: keyed("full") });
    const good = h.open({ user: "trader", ...creds() });
    await good.session.start();
    expect(good.session.state()).toBe("connected");
    const { logins, fetchImpl } = countingFetch();
    const bad = h.open({ user: "trader", ...creds({ appId: "mimik" }), fetchImpl });
    await bad.session.start();
    expect(bad.session.state()).toBe("reauth-needed");
    expect(bad.seen.of("connection").at(-1)?.reason).toMatch(/appId is the name given to the key/);
    await new Promise((r) => setTimeout(r, 100));
    expect(logins).toHaveLength(1);
  });

  it("a key without permissions: 401 after a good login, twice in a row, stops with the fix", async () => {
    h = await startSimHarness({ scenario: keyed("none") });
    const { logins, fetchImpl } = countingFetch();
    const { session, seen } = h.open({ user: "trader", ...creds(), fetchImpl });
    await session.start();
    await waitFor(() => session.state() === "reauth-needed", 5000, "reauth-needed");
    const reason = seen.of("connection").at(-1)?.reason ?? "";
    expect(reason).toMatch(/API key most likely has no permissions/);
    expect(reason).toMatch(/Application Settings → API Access/);
    expect(reason).toMatch(/Orders \(Full Access\)/);
    expect(reason).toContain('appId ("my-copier")');
    expect(alerts(seen.events)).toEqual([reason]);
    await new Promise((r) => setTimeout(r, 150));
    expect(logins).toHaveLength(2);
  });

  it("a token that ends between the login and its first call: logged in again, not taken for a key without permissions", async () => {
    h = await startSimHarness();
    const { logins, fetchImpl } = countingFetch();
    let refusals = 1;
    const once: typeof fetch = (input, init) => {
      if (String(input).includes("account/list") && refusals > 0) {
        refusals -= 1;
        return Promise.resolve(new Response("Access is denied", { status: 401 }));
      }
      return fetchImpl(input, init);
    };
    const { session, seen } = h.open({ fetchImpl: once });
    await session.start();
    await waitFor(() => session.state() === "connected", 5000, "connected");
    expect(logins).toHaveLength(2);
    expect(alerts(seen.events)).toEqual([]);
  });
});

describe("request budget: an order goes now or is refused now", () => {
  it("a burst beyond the per-second budget: the rest are refused at once with 'request budget', never sent late", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open({ rateLimit: { perSecond: 20, perMinute: 1000, perHour: 1000 } });
    await session.start();
    const results: OrderResult[] = await Promise.all(
      Array.from({ length: 40 }, (_, i) => session.placeOrder(order(session, `burst-${i}`))),
    );
    const sent = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(sent.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r).toMatchObject({ ok: false, failureReason: "request budget" });
      expect(r.writtenAt).toBeUndefined();
    }
    // The broker's records: exactly the orders that went, and none later.
    await new Promise((r) => setTimeout(r, 1200));
    const placed = h.sim.control.records().orders.filter((o) => o.clOrdId?.startsWith("burst-"));
    expect(placed).toHaveLength(sent.length);
    // An exit still goes: the reserve is kept for it.
    const exit = await session.placeOrder(order(session, "exit-1", { action: "Sell", exit: true }));
    expect(exit.ok).toBe(true);
    expect(session.rateBudget().refused).toBe(refused.length);
    expect(alerts(seen.events).filter((m) => m.includes("request budget"))).toHaveLength(1);
  });
});

describe("penalty tickets on orders", () => {
  it("a long p-time fails the order at once with 'penalty'; nothing is resent later", async () => {
    h = await startSimHarness();
    const { session } = h.open();
    await session.start();
    h.sim.control.penaltyTicket(1, 5);
    const r = await session.placeOrder(order(session, "pen-long"));
    expect(r).toMatchObject({ ok: false, failureReason: "penalty" });
    expect(r.ok ? "" : r.failureText).toMatch(/stale price/);
    await new Promise((res) => setTimeout(res, 300));
    expect(h.sim.control.records().orders).toHaveLength(0);
  });

  it("a short p-time is waited out and the order resent once with its ticket (the simulator enforces both)", async () => {
    h = await startSimHarness();
    const { session } = h.open();
    await session.start();
    h.sim.control.penaltyTicket(1, 0.4);
    const r = await session.placeOrder(order(session, "pen-short"));
    expect(r.ok).toBe(true);
    expect(h.sim.control.records().orders.map((o) => o.clOrdId)).toEqual(["pen-short"]);
  });
});

describe("423: logins locked", () => {
  it("stops logging in at once for the lockout, alerts once, then tries again", async () => {
    h = await startSimHarness();
    h.sim.control.lockLogins(true);
    const { logins, fetchImpl } = countingFetch();
    const { session, seen } = h.open({ fetchImpl, loginLockoutMs: 600 });
    await session.start();
    expect(session.state()).toBe("down");
    expect(seen.of("connection").at(-1)?.reason).toMatch(/HTTP 423.*stops logging in until/);
    await new Promise((r) => setTimeout(r, 300));
    expect(logins).toHaveLength(1);
    h.sim.control.lockLogins(false);
    await waitFor(() => session.state() === "connected", 3000, "connected after the lockout");
    expect(logins).toHaveLength(2);
    expect(alerts(seen.events).filter((m) => m.includes("423"))).toHaveLength(1);
  });
});

describe("superseded sessions", () => {
  const superseded = { backoffMs: 300, maxBackoffMs: 1000, loopCount: 3, loopWindowMs: 60_000 };

  it("another login took the session: says so, backs off instead of logging in at once, then re-syncs", async () => {
    h = await startSimHarness();
    const { logins, fetchImpl } = countingFetch();
    const { session, seen } = h.open({ fetchImpl, superseded });
    await session.start();
    h.sim.control.otherLogin("demo");
    h.sim.control.otherLogin("demo"); // the trader's two windows: mimik's session is the oldest
    await waitFor(() => alerts(seen.events).length > 0, 3000, "superseded alert");
    expect(alerts(seen.events)[0]).toMatch(/Another login of Tradovate user "demo" took mimik's session/);
    expect(alerts(seen.events)[0]).toMatch(/counts your own Tradovate windows/);
    expect(session.state()).toBe("reconnecting");
    expect(logins).toHaveLength(1);
    await seen.next("sync", (s) => !s.initial, 5000);
    expect(logins).toHaveLength(2);
  });

  it("a connection quota shutdown is a superseded session too", async () => {
    h = await startSimHarness({
      scenario: parseScenario({ ...defaultScenario, limits: { connectionsPerUser: 1 } }, "quota"),
    });
    const { session, seen } = h.open({ superseded });
    await session.start();
    const other = h.open({ superseded: { ...superseded, backoffMs: 60_000 } });
    await other.session.start();
    await waitFor(() => alerts(seen.events).length > 0, 3000, "superseded alert");
    expect(
      seen.of("connection").some((c) => /ConnectionQuotaReached|Another login/.test(c.reason ?? "")),
    ).toBe(true);
  });

  it("an eviction loop stops with a clear message instead of fighting forever", async () => {
    h = await startSimHarness();
    const { logins, fetchImpl } = countingFetch();
    const { session, seen } = h.open({ fetchImpl, superseded: { ...superseded, backoffMs: 50 } });
    await session.start();
    for (let round = 0; round < 3 && session.state() !== "down"; round++) {
      await waitFor(() => session.state() === "connected", 5000, "connected");
      h.sim.control.otherLogin("demo");
      h.sim.control.otherLogin("demo");
      await waitFor(() => session.state() !== "connected", 3000, "evicted");
    }
    await waitFor(() => session.state() === "down", 5000, "down");
    expect(seen.of("connection").at(-1)?.reason).toMatch(/keep taking the session from each other \(3 times/);
    const before = logins.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(logins).toHaveLength(before);
  });
});

describe("one login for the whole session, market data included", () => {
  it("while it waits out another login, the market-data feed does not log in behind its back", async () => {
    h = await startSimHarness();
    const { logins, fetchImpl } = countingFetch();
    const { session, seen } = h.open({
      fetchImpl,
      superseded: { backoffMs: 600, maxBackoffMs: 1000, loopCount: 3, loopWindowMs: 60_000 },
    });
    await session.start();
    session.subscribeQuotes("ESZ6");
    await seen.next("quote");
    h.sim.control.otherLogin("demo");
    h.sim.control.otherLogin("demo");
    await waitFor(() => alerts(seen.events).length > 0, 3000, "superseded alert");
    // The md socket went with the session; its reconnects must wait for the connection's login.
    await new Promise((r) => setTimeout(r, 400));
    expect(logins).toHaveLength(1);
    await seen.next("sync", (s) => !s.initial, 5000);
    h.sim.control.setPrice("ES", 6900);
    await seen.next("quote", (q) => q.price === 6900, 5000);
    expect(logins).toHaveLength(2);
  });

  it("a login that needs the trader (a key without permissions) is not retried by the market-data feed", async () => {
    h = await startSimHarness();
    const { logins, fetchImpl } = countingFetch();
    // account/list answers 401 after every good login: the fix message after the second, then no login at all.
    const denying: typeof fetch = (input, init) =>
      String(input).includes("account/list")
        ? Promise.resolve(new Response("Access is denied", { status: 401 }))
        : fetchImpl(input, init);
    const { session } = h.open({ fetchImpl: denying });
    session.subscribeQuotes("ESZ6");
    await session.start();
    await waitFor(() => session.state() === "reauth-needed", 5000, "reauth-needed");
    await new Promise((r) => setTimeout(r, 500));
    expect(logins).toHaveLength(2);
  });
});
