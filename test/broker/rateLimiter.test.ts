import { describe, expect, it } from "vitest";
import {
  type BudgetLimits,
  floorFor,
  lastsMs,
  type RequestKind,
  refusingWindow,
  reserveFor,
  TRADOVATE_LIMITS,
} from "../../engine/broker/budgetRules.js";
import { RateLimiter } from "../../engine/broker/rateLimiter.js";
import { FakeClock } from "./helpers/fakeClock.js";

const HOUR_ONLY: BudgetLimits = { perSecond: 1_000_000, perMinute: 1_000_000, perHour: 100 };

describe("budget rules (who may spend what is left)", () => {
  it("uses Tradovate's published user limits, not 80 a minute", () => {
    expect(TRADOVATE_LIMITS).toEqual({ perSecond: 1000, perMinute: 5000, perHour: 5000 });
  });

  // perHour 100: exits keep 5, reads leave 10 more (reads stop at 15 left, openings at 5).
  it.each<[RequestKind, number, boolean]>([
    ["read", 84, true],
    ["read", 85, false],
    ["order", 85, true],
    ["order", 94, true],
    ["order", 95, false],
    ["exit", 95, true],
    ["exit", 99, true],
    ["exit", 100, false],
  ])("%s with %i of 100 used this hour: admitted %s", (kind, used, admitted) => {
    const refused = refusingWindow(kind, { second: 0, minute: 0, hour: used }, HOUR_ONLY);
    expect(refused === undefined).toBe(admitted);
    if (!admitted) expect(refused).toBe("hour");
  });

  it.each<[string, { second: number; minute: number; hour: number }, RequestKind, string | undefined]>([
    ["a burst over the per-second ceiling", { second: 1000, minute: 1000, hour: 1000 }, "exit", "second"],
    ["openings near the per-second ceiling", { second: 951, minute: 951, hour: 951 }, "order", "second"],
    ["the minute window", { second: 0, minute: 4999, hour: 4999 }, "read", "minute"],
    ["room everywhere", { second: 10, minute: 100, hour: 200 }, "read", undefined],
  ])("names the window that refuses: %s", (_what, used, kind, window) => {
    expect(refusingWindow(kind, used, TRADOVATE_LIMITS)).toBe(window);
  });

  it.each([
    [5000, { exit: 250, read: 500 }],
    [100, { exit: 5, read: 10 }],
    [10, { exit: 1, read: 1 }],
    [1, { exit: 0, read: 0 }],
  ])("reserve of a window of %i", (limit, reserve) => {
    expect(reserveFor(limit)).toEqual(reserve);
    expect(floorFor("exit", limit)).toBe(0);
    expect(floorFor("order", limit)).toBe(reserve.exit);
    expect(floorFor("read", limit)).toBe(reserve.exit + reserve.read);
  });

  it.each<[string, number, number, number, number, number | undefined]>([
    ["idle", 4000, 250, 0, 0, undefined],
    ["an hour of this pace fits (100 per 5 min = 1,200/h)", 4000, 250, 100, 0, undefined],
    ["500 per 5 min, none leaving: 3,750 to spend", 4000, 250, 500, 0, 2_250_000],
    ["500 per 5 min, 400 leaving the window: net 100", 1250, 250, 500, 400, 3_000_000],
    ["more leaving the window than coming", 1250, 250, 500, 600, undefined],
    ["already at the reserve", 250, 250, 500, 0, 0],
  ])("how long the budget lasts: %s", (_what, left, floor, recent, expiring, ms) => {
    expect(lastsMs(left, floor, recent, expiring, 300_000, 5000)).toBe(ms);
  });
});

describe("RateLimiter", () => {
  function limiter(limits: BudgetLimits) {
    const clock = new FakeClock();
    return { clock, rl: new RateLimiter({ limits, clock }) };
  }

  it("never waits: a request takes a slot now or is refused now with 'request budget'", () => {
    const { rl } = limiter({ perSecond: 1000, perMinute: 1000, perHour: 20 });
    // 20/h: exit reserve 1, read reserve 2 → reads stop at 3 left, openings at 1.
    for (let i = 0; i < 17; i++) rl.take("read");
    expect(() => rl.take("read")).toThrowError(/request budget/);
    rl.take("order");
    rl.take("order");
    expect(() => rl.take("order")).toThrowError(expect.objectContaining({ kind: "budget" }));
    rl.take("exit");
    expect(() => rl.take("exit")).toThrowError(/request budget/);
    expect(rl.budget()).toMatchObject({ left: 0, limit: 20, windowMs: 3_600_000, refused: 3 });
  });

  it("slides: what was sent an hour ago no longer counts", () => {
    const { clock, rl } = limiter({ perSecond: 1000, perMinute: 1000, perHour: 10 });
    for (let i = 0; i < 10; i++) rl.take("exit");
    expect(rl.wouldAdmit("exit")).toBe(false);
    clock.advance(3_600_001);
    expect(rl.wouldAdmit("read")).toBe(true);
    expect(rl.budget().left).toBe(10);
  });

  it("applies the per-second ceiling to a burst, then frees it a second later", () => {
    const { clock, rl } = limiter({ perSecond: 10, perMinute: 1000, perHour: 1000 });
    for (let i = 0; i < 10; i++) rl.take("exit");
    expect(() => rl.take("exit")).toThrowError(/second's/);
    clock.advance(1001);
    rl.take("order");
  });

  it("fails fast during a 429 lockout and surfaces blockedUntil", () => {
    const { clock, rl } = limiter(TRADOVATE_LIMITS);
    const until = clock.now() + 5_000;
    rl.lockOut(until);
    expect(() => rl.take("exit")).toThrowError(expect.objectContaining({ kind: "rateLimited", status: 429 }));
    expect(rl.budget().blockedUntil).toBe(until);
    expect(rl.lockedOutUntil()).toBe(until);
    clock.advance(5_001);
    expect(rl.budget().blockedUntil).toBeUndefined();
    rl.take("exit");
  });

  it("shows a penalty wait in the budget without blocking", () => {
    const { clock, rl } = limiter(TRADOVATE_LIMITS);
    rl.notePenalty(clock.now() + 3000);
    expect(rl.budget().blockedUntil).toBe(clock.now() + 3000);
    rl.take("read");
  });

  it("says how long the hour's budget lasts at the current pace", () => {
    const { clock, rl } = limiter({ perSecond: 1000, perMinute: 5000, perHour: 5000 });
    expect(rl.budget().lastsMs).toBeUndefined();
    // 100 requests a minute for 5 minutes: 6,000 an hour, more than 5,000 can hold.
    for (let m = 0; m < 5; m++) {
      clock.advance(60_000);
      for (let i = 0; i < 100; i++) rl.take("order");
    }
    const b = rl.budget();
    expect(b.left).toBe(4500);
    // (4500 left − 250 kept for exits) at 100 a minute ≈ 42.5 minutes.
    expect(b.lastsMs).toBe(2_550_000);
    // A light pace never runs out.
    const calm = limiter(TRADOVATE_LIMITS);
    for (let i = 0; i < 10; i++) calm.rl.take("read");
    expect(calm.rl.budget().lastsMs).toBeUndefined();
  });

  describe("a login's count carried to the session that replaces it", () => {
    const HOUR_20 = { perSecond: 1000, perMinute: 1000, perHour: 20 };
    /** `n` requests spent on an old limiter, handed to a new one of `limits` on the same clock. */
    function carried(n: number, limits: BudgetLimits) {
      const old = limiter(HOUR_20);
      for (let i = 0; i < n; i++) old.rl.take("exit");
      const next = new RateLimiter({ limits, clock: old.clock });
      next.carry(old.rl.spent());
      return { clock: old.clock, old: old.rl, next };
    }

    // 20/h: openings stop at 1 left, exits at 0; 30/h: openings at 2 left.
    it.each<[string, number, BudgetLimits, number, number]>([
      ["nothing spent", 0, HOUR_20, 19, 20],
      ["12 spent, same budget", 12, HOUR_20, 7, 8],
      ["12 spent, a larger budget", 12, { ...HOUR_20, perHour: 30 }, 16, 18],
      ["19 spent, a smaller budget than spent", 19, { ...HOUR_20, perHour: 10 }, 0, 0],
    ])("%s: the new budget admits what the login has left of it", (_what, n, limits, orders, exits) => {
      const { next } = carried(n, limits);
      let admitted = 0;
      while (next.wouldAdmit("order")) {
        next.take("order");
        admitted++;
      }
      expect(admitted).toBe(orders);
      while (next.wouldAdmit("exit")) {
        next.take("exit");
        admitted++;
      }
      expect(admitted).toBe(exits);
      expect(next.budget().left).toBe(Math.max(0, limits.perHour - n - exits));
    });

    it("slides as the old session's sends age out of the hour, its own sends kept in order", () => {
      const old = limiter(HOUR_20);
      for (let i = 0; i < 10; i++) old.rl.take("exit");
      old.clock.advance(1_800_000);
      const next = new RateLimiter({ limits: HOUR_20, clock: old.clock });
      next.take("read");
      old.rl.take("exit");
      next.carry(old.rl.spent());
      expect(next.budget().left).toBe(8);
      old.clock.advance(1_800_001);
      expect(next.budget().left).toBe(18);
      expect(next.spent().sent).toEqual([...next.spent().sent].sort((a, b) => a - b));
    });

    it("keeps the broker's 429 lockout and penalty wait, but not the old session's refusals", () => {
      const { clock, old } = carried(20, HOUR_20);
      expect(() => old.take("exit")).toThrowError(/request budget/);
      old.lockOut(clock.now() + 60_000);
      old.notePenalty(clock.now() + 90_000);
      const next = new RateLimiter({ limits: TRADOVATE_LIMITS, clock });
      next.carry(old.spent());
      expect(() => next.take("exit")).toThrowError(expect.objectContaining({ kind: "rateLimited" }));
      expect(next.budget()).toMatchObject({ left: 4980, refused: 1, blockedUntil: clock.now() + 90_000 });
      clock.advance(60_001);
      next.take("exit");
    });
  });

  it("keeps no more than the last hour in memory", () => {
    const { clock, rl } = limiter({ perSecond: 1_000_000, perMinute: 1_000_000, perHour: 3000 });
    for (let h = 0; h < 5; h++) {
      for (let i = 0; i < 2000; i++) rl.take("exit");
      clock.advance(3_600_001);
    }
    expect(rl.budget().left).toBe(3000);
    expect((rl as unknown as { sent: number[] }).sent.length).toBeLessThanOrEqual(2000);
  });
});
