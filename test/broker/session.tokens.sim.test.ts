/**
 * Tokens not renewed, against the simulator over real sockets: a renewal that met a timeout or a
 * gateway (408, 502) is retried instead of being taken for another login. Judged on what reached
 * the simulator: logins (each opens a Tradovate session), renewals, and the book.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerSession } from "../../engine/types.js";
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

/**
 * Tradovate's own watchdog time: the harness's 2 s is shorter than the simulator's idle heartbeat,
 * and a trading reconnect (which logs in) would hide what the market-data socket does by itself.
 */
const WATCHDOG_MS = 10_000;

function demo1000(session: BrokerSession) {
  return session.accounts().find((a) => a.name === "DEMO1000")!;
}

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
