import { describe, expect, it } from "vitest";
import { REFUSALS } from "../../engine/outcome.js";
import { type Exposure, Flattener } from "../../engine/risk/flattener.js";
import type { FollowerState, OrderResult } from "../../engine/types.js";
import { FakeClock } from "./fakes.js";

const OK: OrderResult = { ok: true, orderId: 1, writtenAt: 0, ackAt: 0 };
const REJECTED: OrderResult = { ok: false, failureReason: "RiskRejected", ackAt: 0 };

/** One follower F1 in LIQUIDATE_ONLY holding ESH6, with one working order. */
function setup() {
  const clock = new FakeClock(0);
  const world = {
    state: "LIQUIDATE_ONLY" as FollowerState,
    mayTarget: true,
    exposure: {
      orders: [{ orderId: 7, accountId: 11, contractId: "1" }],
      open: [{ contractId: "1", contract: "ESH6" }],
    } as Exposure | undefined,
    flat: false,
    fillsOnAccept: true,
    /** The cancel's reply; by default accepted. */
    cancelReply: OK,
    /** The broker asks to wait this long after each attempt (a penalty), if set. */
    blockedFor: undefined as number | undefined,
    replies: [] as OrderResult[],
    /** One of our orders for the follower is in flight or unacknowledged. */
    busy: false,
    /** Why its account cannot be read (the broker's words), if it cannot. */
    unreadable: undefined as string | undefined,
    /** Set: the liquidations' answers wait until it is called. */
    answerLater: undefined as ((r: OrderResult) => void) | undefined,
    holdAnswers: false,
  };
  const calls: string[] = [];
  const alerts: string[] = [];
  const flattener = new Flattener({
    clock,
    liquidator: {
      cancel: async (f, orderId) => {
        calls.push(`cancel ${f} ${orderId} @${clock.now()}`);
        return world.cancelReply;
      },
      liquidate: async (f, contractId) => {
        calls.push(`liquidate ${f} ${contractId} @${clock.now()}`);
        if (world.holdAnswers)
          return new Promise<OrderResult>((resolve) => {
            world.answerLater = resolve;
          });
        const reply = world.replies.shift() ?? OK;
        if (reply.ok && world.fillsOnAccept) world.flat = true;
        return reply;
      },
    },
    mayTarget: () => world.mayTarget,
    state: () => world.state,
    exposure: () => world.exposure,
    isFlat: () => world.flat,
    busy: () => world.busy,
    unreadable: () => world.unreadable,
    blockedUntil: () => (world.blockedFor === undefined ? undefined : clock.now() + world.blockedFor),
    flat: (f) => {
      calls.push(`flat ${f}`);
      world.state = "LOCKED";
      flattener.done(f);
    },
    alert: (level, message) => alerts.push(`${level}: ${message}`),
  });
  return { clock, world, calls, alerts, flattener };
}

describe("Flattener: cancel and liquidate, then again with backoff until flat", () => {
  it("flat at the first attempt: cancels and liquidations together, then locked", async () => {
    const t = setup();
    expect(await t.flattener.flatten("F1")).toEqual({ target: "F1", status: "locked", sent: 2 });
    expect(t.calls).toEqual(["cancel F1 7 @0", "liquidate F1 1 @0", "flat F1"]);
    expect(t.flattener.attemptsOf("F1")).toBe(0);
    expect(t.clock.pending()).toBe(0);
  });

  it.each([
    ["refused, and the order still works: a failure, tried again", true, "failed"],
    ["refused, but the order no longer works (its OCO partner took it): done", false, "locked"],
  ])("a cancel %s", async (_, stillWorks, status) => {
    const t = setup();
    t.world.cancelReply = { ok: false, failureReason: "TooLate", failureText: "not working", ackAt: 0 };
    const outcome = t.flattener.flatten("F1");
    // What the session's cache lists once the reply is in.
    if (!stillWorks) t.world.exposure = { orders: [], open: [] };
    expect(await outcome).toMatchObject({ target: "F1", status });
  });

  it.each([
    ["rejects back off 1 s, 2 s, 4 s", undefined, [0, 1000, 3000, 7000]],
    ["never faster than the broker's penalty wait", 20_000, [0, 20_000, 40_000, 60_000]],
  ])("%s", async (_, blockedFor, times) => {
    const t = setup();
    t.world.replies = [REJECTED, REJECTED, REJECTED];
    t.world.blockedFor = blockedFor;
    const first = await t.flattener.flatten("F1");
    expect(first).toMatchObject({ status: "failed", reason: "liquidate ESH6: RiskRejected" });
    await t.clock.advance(60_000);
    const at = t.calls.filter((c) => c.startsWith("liquidate")).map((c) => Number(c.split("@")[1]));
    expect(at).toEqual(times);
    expect(t.alerts.filter((a) => a.startsWith("error"))).toHaveLength(3);
    expect(t.world.state).toBe("LOCKED");
  });

  it.each([
    ["not connected: retried", { exposure: undefined }, { status: "failed", reason: "not connected" }, 1],
    ["not flat yet after the broker accepted: retried", { flatNever: true }, { status: "liquidating" }, 1],
    [
      "no longer a follower: refused, nothing sent",
      { mayTarget: false },
      { status: "refused", reason: REFUSALS.notFollower },
      0,
    ],
    ["not LIQUIDATE_ONLY: refused, nothing sent", { state: "ACTIVE" }, { status: "refused" }, 0],
  ] as const)("%s", async (_, patch, outcome, timers) => {
    const t = setup();
    if ("exposure" in patch) t.world.exposure = undefined;
    if ("mayTarget" in patch) t.world.mayTarget = false;
    if ("state" in patch) t.world.state = patch.state;
    if ("flatNever" in patch) t.world.fillsOnAccept = false;
    const result = await t.flattener.flatten("F1");
    expect(result).toMatchObject(outcome);
    expect(t.clock.pending()).toBe(timers);
  });

  it("reading the follower's exposure throws: a failure retried like any other, never a rejection", async () => {
    const t = setup();
    const { exposure } = t.world;
    Object.defineProperty(t.world, "exposure", {
      configurable: true,
      get() {
        Object.defineProperty(t.world, "exposure", { value: exposure, writable: true, configurable: true });
        throw new Error("session torn down");
      },
    });
    expect(await t.flattener.flatten("F1")).toMatchObject({
      status: "failed",
      reason: "reading its orders and positions: session torn down",
    });
    expect(t.alerts[0]).toMatch(/^error: F1: flatten failed \(reading its orders/);
    await t.clock.advance(1000);
    expect(t.world.state).toBe("LOCKED");
  });

  it("an order of ours in flight: never called flat (the broker may hold what the cache does not show)", async () => {
    const t = setup();
    // The session's cache says flat, but a copy written a moment ago is still unanswered.
    t.world.exposure = { orders: [], open: [] };
    t.world.flat = true;
    t.world.busy = true;
    expect(await t.flattener.flatten("F1")).toMatchObject({
      status: "liquidating",
      sent: 0,
      reason: "waiting for orders in flight",
    });
    expect(t.world.state).toBe("LIQUIDATE_ONLY");
    expect(t.calls).toEqual([]);
    // It filled: the cache shows the position, the next attempt liquidates it, then flat.
    t.world.busy = false;
    t.world.flat = false;
    t.world.exposure = { orders: [], open: [{ contractId: "1", contract: "ESH6" }] };
    await t.clock.advance(1000);
    expect(t.calls).toEqual(["liquidate F1 1 @1000", "flat F1"]);
    expect(t.world.state).toBe("LOCKED");
  });

  it("flat, an order's cancel taken but the order still working: said as such, not 'still not flat'", async () => {
    const t = setup();
    // Tradovate answers a cancel when it takes it: the position is gone, the order still works.
    t.world.exposure = { orders: [{ orderId: 7, accountId: 11, contractId: "1" }], open: [] };
    expect(await t.flattener.flatten("F1")).toMatchObject({ status: "liquidating", sent: 1 });
    await t.clock.advance(1000);
    expect(t.alerts).toEqual([
      "warn: F1: flat, but 1 order still working after flatten (its cancel was taken, not yet done); retry 3 in 2 s",
    ]);
    // The cancel lands: the next attempt finds nothing left and locks.
    t.world.exposure = { orders: [], open: [] };
    t.world.flat = true;
    await t.clock.advance(2000);
    expect(t.calls.at(-1)).toBe("flat F1");
    expect(t.world.state).toBe("LOCKED");
  });

  it("one attempt at a time; stop() ends the retries; resume() carries on one that has none waiting", async () => {
    const t = setup();
    t.world.replies = [REJECTED, REJECTED];
    const first = t.flattener.flatten("F1");
    expect(await t.flattener.flatten("F1")).toMatchObject({
      status: "liquidating",
      reason: "flatten in progress",
    });
    await first;
    expect(t.clock.pending()).toBe(1);
    t.flattener.resume("F1");
    expect(t.calls.filter((c) => c.startsWith("liquidate"))).toHaveLength(1);
    t.flattener.stop("F1");
    expect(t.clock.pending()).toBe(0);
    expect(t.flattener.attemptsOf("F1")).toBe(1);
    t.flattener.resume("F1");
    await t.clock.advance(0);
    expect(t.calls.filter((c) => c.startsWith("liquidate"))).toHaveLength(2);
  });

  it("an attempt the engine's stop cuts short says nothing untrue and arms no retry", async () => {
    const t = setup();
    t.world.holdAnswers = true;
    const outcome = t.flattener.flatten("F1");
    await Promise.resolve();
    t.flattener.stopAll();
    // What a session that is stopping answers for the request it was waiting on.
    t.world.answerLater?.({
      ok: false,
      failureReason: "Disconnected",
      failureText: "session stopped",
      ackAt: 0,
    });
    expect(await outcome).toMatchObject({
      target: "F1",
      status: "failed",
      reason: expect.stringMatching(/stopped/),
    });
    expect(t.alerts).toEqual([]);
    expect(t.clock.pending()).toBe(0);
  });
});

describe("Flattener: an account that cannot be read", () => {
  it("sends its closes, says so once, never locks from the last picture, and waits for the read", async () => {
    const t = setup();
    t.world.unreadable = "Account is under review";
    t.world.fillsOnAccept = false;
    const first = await t.flattener.flatten("F1");
    expect(first).toEqual({
      target: "F1",
      status: "liquidating",
      sent: 2,
      reason:
        "its account cannot be read (Account is under review): the close of ESH6 was sent (it closes whatever is there); it locks once the account reads flat",
    });
    expect(t.calls).toEqual(["cancel F1 7 @0", "liquidate F1 1 @0"]);
    expect(t.alerts).toEqual([`warn: F1: flatten: ${first.reason}`]);
    // No retry from a picture that cannot change: the read's re-sync resumes it.
    expect(t.clock.pending()).toBe(0);
    // A re-sync of its login while it still cannot be read: the closes again, nothing said again;
    // its last picture flat is no reason to lock.
    t.world.flat = true;
    t.world.exposure = { orders: [], open: [] };
    expect(await t.flattener.flatten("F1")).toMatchObject({ status: "liquidating", sent: 0 });
    expect(t.alerts).toHaveLength(1);
    t.world.unreadable = undefined;
    t.flattener.resume("F1", true);
    await Promise.resolve();
    await Promise.resolve();
    expect(t.calls.at(-1)).toBe("flat F1");
  });

  it("with no position known: says nothing is known to close; a failure is still a failure, tried again", async () => {
    const t = setup();
    t.world.unreadable = "down";
    t.world.exposure = { orders: [], open: [] };
    expect((await t.flattener.flatten("F1")).reason).toBe(
      "its account cannot be read (down): no position known to close; the flatten goes on once it reads",
    );
    const u = setup();
    u.world.unreadable = "down";
    u.world.replies = [REJECTED];
    expect(await u.flattener.flatten("F1")).toMatchObject({ status: "failed" });
    expect(u.clock.pending()).toBe(1);
  });
});
