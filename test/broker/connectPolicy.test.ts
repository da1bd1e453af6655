import { describe, expect, it } from "vitest";
import {
  type ConnectPhase,
  classifyFailure,
  EvictionWatch,
  ReconnectPolicy,
  SUPERSEDED_DEFAULTS,
} from "../../engine/broker/connectPolicy.js";
import { BrokerRequestError } from "../../engine/broker/errors.js";
import { FakeClock } from "./helpers/fakeClock.js";

const noJitter = () => 0.5;

describe("ReconnectPolicy: the backoff resets only once a connection has held", () => {
  it("grows across connections that drop right after the sync (no reconnect storm)", () => {
    const clock = new FakeClock();
    const p = new ReconnectPolicy(clock, { initialMs: 500, maxMs: 30_000, heldMs: 30_000 }, noJitter);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      p.connected();
      clock.advance(200); // the broker drops us 0.2 s after every sync
      delays.push(p.lost());
    }
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 12000, 22500, 22500]);
  });

  it("starts over after a connection that lasted heldMs", () => {
    const clock = new FakeClock();
    const p = new ReconnectPolicy(clock, { initialMs: 500, maxMs: 30_000, heldMs: 30_000 }, noJitter);
    p.failed();
    p.failed();
    p.connected();
    clock.advance(30_000);
    expect(p.lost()).toBe(375);
  });
});

describe("EvictionWatch: two logins evicting each other", () => {
  const opts = { backoffMs: 1000, maxBackoffMs: 5000, loopCount: 4, loopWindowMs: 60_000 };

  it("waits longer after each eviction, then calls a loop a loop", () => {
    const clock = new FakeClock();
    const w = new EvictionWatch(clock, opts, () => 1);
    expect(w.evicted()).toEqual({ waitMs: 1000, count: 1 });
    clock.advance(5_000);
    expect(w.evicted()).toEqual({ waitMs: 2000, count: 2 });
    clock.advance(5_000);
    expect(w.evicted()).toEqual({ waitMs: 4000, count: 3 });
    clock.advance(5_000);
    expect(w.evicted()).toBe("loop");
  });

  it("forgets evictions older than the window", () => {
    const clock = new FakeClock();
    const w = new EvictionWatch(clock, opts, () => 1);
    for (let i = 0; i < 10; i++) {
      expect(w.evicted()).not.toBe("loop");
      clock.advance(40_000);
    }
  });

  it("ships defaults that wait for the other login and stop within minutes", () => {
    expect(SUPERSEDED_DEFAULTS.backoffMs).toBeGreaterThanOrEqual(10_000);
    expect(SUPERSEDED_DEFAULTS.loopCount).toBeGreaterThanOrEqual(3);
  });
});

describe("classifyFailure", () => {
  const ctx = (
    over: Partial<{
      phase: ConnectPhase;
      freshToken: boolean;
      clientErrors: number;
      freshTokenRefusals: number;
    }> = {},
  ) => ({
    now: 1000,
    phase: "accounts" as ConnectPhase,
    freshToken: false,
    clientErrors: 0,
    freshTokenRefusals: 0,
    loginLockoutMs: 3_600_000,
    ...over,
  });
  const status = (s: number, retryAfterMs?: number) =>
    new BrokerRequestError("status", `x: ${s}`, s, retryAfterMs);

  it.each<[string, BrokerRequestError, ReturnType<typeof ctx>, ReturnType<typeof classifyFailure>]>([
    ["408 on our token: another login", status(408), ctx(), { action: "superseded" }],
    ["502 on our token: another login", status(502), ctx({ phase: "authorize" }), { action: "superseded" }],
    [
      "502 on a brand-new token: the network",
      status(502),
      ctx({ freshToken: true }),
      { action: "retry", invalidateToken: false },
    ],
    ["423: logins locked for the hour", status(423), ctx(), { action: "lockedOut", untilMs: 3_601_000 }],
    ["423 with Retry-After", status(423, 60_000), ctx(), { action: "lockedOut", untilMs: 61_000 }],
    [
      "401 right after a good login: log in once more (the token may have ended in between)",
      status(401),
      ctx({ freshToken: true }),
      { action: "retry", invalidateToken: true },
    ],
    [
      "401 right after a good login, the second time in a row: no permissions",
      status(401),
      ctx({ freshToken: true, freshTokenRefusals: 1 }),
      { action: "noPermission" },
    ],
    [
      "401 at authorize on a new token: log in again",
      status(401),
      ctx({ freshToken: true, phase: "authorize" }),
      { action: "retry", invalidateToken: true },
    ],
    ["401 on an old token: log in again", status(401), ctx(), { action: "retry", invalidateToken: true }],
    ["a third 4xx in a row: stop", status(403), ctx({ clientErrors: 2 }), { action: "stop", state: "down" }],
    [
      "refused login",
      new BrokerRequestError("rejected", "no"),
      ctx(),
      { action: "stop", state: "reauth-needed" },
    ],
    ["captcha", new BrokerRequestError("captcha", "c"), ctx(), { action: "stop", state: "reauth-needed" }],
    [
      "network",
      new BrokerRequestError("transport", "econnrefused"),
      ctx(),
      { action: "retry", invalidateToken: false },
    ],
    [
      "429",
      new BrokerRequestError("rateLimited", "429", 429),
      ctx(),
      { action: "retry", invalidateToken: false },
    ],
  ])("%s", (_what, err, context, expected) => {
    expect(classifyFailure(err, context)).toEqual(expected);
  });
});
