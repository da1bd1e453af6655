/**
 * Tokens refused or not renewed, against the simulator over real sockets: the market-data socket
 * renews through the login instead of retrying a refused token for ever, and stops (saying why)
 * when even a new token or the login is refused; a renewal that met a timeout or a gateway (408,
 * 502) is retried instead of being taken for another login. Judged on what reached the simulator:
 * logins (each opens a Tradovate session), renewals, market-data sockets, and the book.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerAlertEvent, BrokerSession } from "../../engine/types.js";
import { waitFor } from "./helpers/fakeTradovate.js";
import { type SimHarness, startSimHarness } from "./helpers/sim.js";

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** A fetch that counts logins and renewals. */
function countingFetch() {
  const calls = { logins: 0, renewals: 0 };
  const fetchImpl: typeof fetch = (input, init) => {
    const url = String(input);
    if (url.includes("auth/accesstokenrequest")) calls.logins += 1;
    if (url.includes("auth/renewaccesstoken")) calls.renewals += 1;
    return fetch(input, init);
  };
  return { calls, fetchImpl };
}

/** The simulator's log, to count market-data sockets opened. */
function simLog() {
  const lines: string[] = [];
  return {
    lines,
    log: (line: string) => lines.push(line),
    mdSockets: () => lines.filter((l) => /^md socket \d+ connected/.test(l)).length,
  };
}

const alerts = (events: Array<{ type: string }>) =>
  events.filter((e): e is BrokerAlertEvent => e.type === "brokerAlert");

/**
 * Tradovate's own watchdog time: the harness's 2 s is shorter than the simulator's idle heartbeat,
 * and a trading reconnect (which logs in) would hide what the market-data socket does by itself.
 */
const WATCHDOG_MS = 10_000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function demo1000(session: BrokerSession) {
  return session.accounts().find((a) => a.name === "DEMO1000")!;
}

/** A session on a fresh simulator (logins counted, its log read) streaming ESZ6's quotes. */
async function streamingQuotes() {
  const sim = simLog();
  h = await startSimHarness({ log: sim.log });
  const { calls, fetchImpl } = countingFetch();
  const { session, seen } = h.open({ fetchImpl, watchdogMs: WATCHDOG_MS });
  await session.start();
  session.subscribeQuotes("ESZ6");
  await seen.next("quote", (q) => q.contract === "ESZ6");
  return { sim, calls, session, seen, harness: h };
}

describe("market-data socket and a refused token", () => {
  it("renews through the login when its token is refused, then streams again", async () => {
    const { calls, session, seen, harness } = await streamingQuotes();
    // The broker ends the tokens behind the client's back; only the market-data socket notices.
    harness.sim.control.expireTokens();
    expect(harness.sim.control.dropSockets({ kind: "md" })).toBe(1);
    harness.sim.control.setPrice("ES", 6950);
    await seen.next("quote", (q) => q.price === 6950, 8000);
    // Renewal of an ended token is refused, so the login's usual path logs in once.
    expect(calls.renewals).toBe(1);
    expect(calls.logins).toBe(2);
    expect(session.state()).toBe("connected");
    expect(seen.of("sync")).toHaveLength(1); // the trading socket was never disturbed
    expect(seen.of("connection").some((c) => c.marketData !== undefined)).toBe(false);
  });

  it("stops retrying when even a new token is refused, and says why", async () => {
    const sim = simLog();
    h = await startSimHarness({ log: sim.log });
    h.sim.control.refuseMarketData(true);
    const { calls, fetchImpl } = countingFetch();
    const { session, seen } = h.open({ fetchImpl, watchdogMs: WATCHDOG_MS });
    await session.start();
    session.subscribeQuotes("ESZ6");
    const stopped = await seen.next("connection", (c) => c.marketData !== undefined, 8000);
    expect(stopped.state).toBe("connected");
    expect(stopped.marketData).toMatch(/market data.*401.*new token/i);
    expect(
      alerts(seen.events).filter((a) => a.level === "error" && /market data/i.test(a.message)),
    ).toHaveLength(1);
    // One renewal, no extra login (no extra session), and no more sockets after it stopped.
    expect(calls.renewals).toBe(1);
    expect(calls.logins).toBe(1);
    const sockets = sim.mdSockets();
    await pause(600); // the reconnect backoff is at most 200 ms here
    expect(sim.mdSockets()).toBe(sockets);
    expect(session.state()).toBe("connected");

    // Market data enabled again: a restart of the login brings quotes back and clears the status.
    h.sim.control.refuseMarketData(false);
    await session.stop();
    await session.start();
    await seen.next("quote", (q) => q.contract === "ESZ6", 8000);
    expect(seen.of("connection").at(-1)?.marketData).toBeUndefined();
  });

  it("stops retrying when the login itself is refused, and says why", async () => {
    const { sim, calls, seen, harness } = await streamingQuotes();
    harness.sim.control.expireTokens();
    harness.sim.control.penaltyTicket(10, 1, true); // every login now asks for a captcha
    harness.sim.control.dropSockets({ kind: "md" });
    const stopped = await seen.next("connection", (c) => c.marketData !== undefined, 8000);
    expect(stopped.marketData).toMatch(/captcha/i);
    expect(calls.logins).toBe(2);
    const sockets = sim.mdSockets();
    await pause(600);
    // Not one more login: Tradovate locks a user out after a few refused ones.
    expect(calls.logins).toBe(2);
    expect(sim.mdSockets()).toBe(sockets);
  });
});

describe("market-data socket and locked logins", () => {
  it("stops logging in for quotes while logins are locked (423), and says why", async () => {
    const { calls, seen, harness } = await streamingQuotes();
    harness.sim.control.expireTokens();
    harness.sim.control.lockLogins(true);
    harness.sim.control.dropSockets({ kind: "md" });
    const stopped = await seen.next("connection", (c) => c.marketData !== undefined, 8000);
    expect(stopped.marketData).toMatch(/423/);
    const logins = calls.logins;
    await pause(600);
    expect(calls.logins).toBe(logins);
    expect(logins).toBeLessThanOrEqual(3);
  });
});

describe("a renewal answered 408 or 502", () => {
  it.each([408, 502])("is retried and renews the same session (%i)", async (status) => {
    h = await startSimHarness({ tokenLifetimeMs: 4000 });
    const { calls, fetchImpl } = countingFetch();
    const { session, seen, logger } = h.open({
      fetchImpl,
      watchdogMs: WATCHDOG_MS,
      renewBeforeMs: 2000,
      renewRetryMs: 200,
    });
    h.sim.control.failRenewals(1, status);
    const loggedInAt = Date.now();
    await session.start();
    await waitFor(() => logger.lines.some((l) => l.includes("renewed")), 8000, "a renewal");
    expect(calls.renewals).toBe(2);
    // Past the first token's end, a reconnect still needs no login: the session was kept.
    await waitFor(() => Date.now() > loggedInAt + 4500, 8000, "the first token's end");
    const synced = seen.of("sync").length;
    h.sim.control.dropSockets();
    await waitFor(
      () => seen.of("sync").length > synced && session.state() === "connected",
      8000,
      "a re-sync",
    );
    expect(calls.logins).toBe(1);
    // And it trades: the order reaches the simulator's book.
    const a = demo1000(session);
    const r = await session.placeOrder({
      accountId: a.id,
      accountName: a.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: `renew-${status}`,
    });
    expect(r.ok).toBe(true);
    expect(h.sim.control.records().positions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountName: "DEMO1000", contract: "ESZ6", netPos: 1 }),
      ]),
    );
  });
});
