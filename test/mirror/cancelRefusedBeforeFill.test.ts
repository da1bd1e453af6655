/**
 * A mirror's cancel refused in its answer. Too late (the order filled on the cancel's way: ProjectX
 * answers Order/cancel on HTTP and its fill comes on the user hub, maybe later): until the order's
 * report, or a short while without one, the mirror still counts as being cancelled, so the copier's
 * exit that waits for it (the exit waits for its mirrored order's cancel) is sized once the fill is
 * heard, not from a position that still shows the contracts the stop sold. Refused while the order
 * works on (Tradovate): asked again, as a refusal in the command's report is (cancelRefusals.ts),
 * and the exit keeps waiting, or it would sell beside a stop that still works.
 */
import { describe, expect, it } from "vitest";
import type { AlertEvent, EngineEvent } from "../../engine/types.js";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;
const TOO_LATE = { failureReason: "TooLate", failureText: "Order is Filled, not working" };
const PX_TOO_LATE = { failureReason: "OrderRejected", failureText: "TooLate: Order is Filled, not working" };
const NOT_NOW = { failureReason: "UnknownReason", failureText: "not now" };

const cancelsTo = (w: ReturnType<typeof mirrorWorld>, accountId: number) =>
  w.venue.sent.filter((s) => s.kind === "cancel" && s.accountId === accountId).length;
const alerts = (events: EngineEvent[]) =>
  events.filter((e): e is AlertEvent => e.type === "alert").map((e) => `${e.level} ${e.message}`);

describe("a mirror's cancel refused before its fill is heard", () => {
  for (const [broker, refusal] of [
    ["tradovate", TOO_LATE],
    ["projectx", PX_TOO_LATE],
  ] as const)
    it(`still counts as being cancelled until the fill's report (${broker})`, async () => {
      const w = mirrorWorld({ protect: true });
      w.venue.broker = broker;
      const { stop } = await protectedLong(w);
      const f1Stop = w.venue.open(F1).find((o) => o.orderType === "Stop")!;
      // F1's exit orders are cancelled before an exit; on their way, the market takes F1's stop
      // (its OCO partner goes with it), and its hub has not told mimik yet when the refusals come.
      w.venue.failNext.push(refusal, refusal);
      w.venue.hold = true;
      w.mirror.beforeExit("F1", "ESZ6");
      await w.settle();
      expect(cancelsTo(w, F1)).toBe(2);
      w.venue.mute = true;
      w.venue.fill(f1Stop.orderId, 2);
      w.venue.hold = false;
      w.venue.answer();
      await w.settle();
      // Refused: too late. The position mimik knows is still +2: nothing may be sized on it yet.
      expect(w.mirror.cancelling("F1", stop)).toBe(true);
      expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(true);
      expect(w.cancelEnded).toEqual([]);
      // The fill's report lands: now the wait is over, the fill counted, nothing asked again.
      w.venue.unmute();
      await w.settle();
      expect(w.mirror.cancelling("F1", stop)).toBe(false);
      expect(w.cancelEnded).toContain("F1 ESZ6");
      w.clock.advance(10_000);
      await w.settle();
      expect(cancelsTo(w, F1)).toBe(2);
      expect(alerts(w.events)).toEqual([]);
    });

  it("refused in its answer while the order works: asked again, the exit waits until it is gone", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    const before = w.venue.open(F1).map((o) => o.orderId);
    // The stop's and the target's cancels, refused three times each (asked again at 0.5 s, 1.5 s).
    w.venue.failNext.push(...Array.from({ length: 6 }, () => NOT_NOW));
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(alerts(w.events)).toContainEqual(
      expect.stringMatching(/^warn the broker refused to cancel F1's Stop order \d+ .*not now; asking again/),
    );
    expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(true);
    // Before: 2 s later the wait ended, the exit free to sell beside the stop still working.
    for (const ms of [600, 1_000, 1_000]) {
      w.clock.advance(ms);
      await w.settle();
    }
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(true);
    expect(w.cancelEnded).toEqual([]);
    expect(cancelsTo(w, F1)).toBe(6);
    // Taken at last (4.6 s): the orders' end ends the wait.
    w.clock.advance(2_000);
    await w.settle();
    // Its old orders gone (the plan then protects the position anew).
    expect(w.venue.open(F1).filter((o) => before.includes(o.orderId))).toEqual([]);
    expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(false);
    expect(w.cancelEnded).toContain("F1 ESZ6");
  });

  it("refused maybe too late, the order still working after the wait: asked again, the exit still waits", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    const before = w.venue.open(F1).map((o) => o.orderId);
    w.venue.failNext.push(TOO_LATE, TOO_LATE);
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    w.clock.advance(1_000);
    await w.settle();
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    expect(alerts(w.events)).toEqual([]);
    w.clock.advance(1_200);
    await w.settle();
    // No report came and the order works on: not too late after all.
    expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(true);
    expect(alerts(w.events)).toContainEqual(expect.stringMatching(/^warn the broker refused to cancel F1's/));
    w.clock.advance(1_000);
    await w.settle();
    // Its old orders gone (the plan then protects the position anew).
    expect(w.venue.open(F1).filter((o) => before.includes(o.orderId))).toEqual([]);
    expect(w.cancelEnded).toContain("F1 ESZ6");
  });
});

describe("a refused cancel's timers end with the engine and with the follower", () => {
  it("the engine stops: no timer is left to fire into it", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    w.venue.failNext.push(TOO_LATE, TOO_LATE);
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(w.clock.pending).toBeGreaterThan(0);
    w.mirror.stop();
    // Before: the 2 s wait of each refused cancel was left set and ran into the stopped mirror.
    expect(w.clock.pending).toBe(0);
    w.clock.advance(10_000);
    await w.settle();
    expect(w.cancelEnded).toEqual([]);
  });

  it("the follower leaves: nothing more is asked for it", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    w.venue.failNext.push(NOT_NOW, NOT_NOW);
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(w.clock.pending).toBeGreaterThan(0);
    const sent = w.venue.sent.length;
    const group = w.config.groups[0]!;
    const left = { ...w.config, groups: [{ ...group, followers: group.followers.slice(1) }] };
    w.mirror.setConfig(left);
    w.directory.setConfig(left);
    await w.settle();
    expect(w.clock.pending).toBe(0);
    w.clock.advance(10_000);
    await w.settle();
    expect(w.venue.sent.slice(sent).filter((s) => s.accountId === F1)).toEqual([]);
    // Its stop and target may still work, tied to no leader order now: the trader is told.
    expect(alerts(w.events).filter((a) => a.includes("left group"))).toEqual([
      expect.stringMatching(
        /^warn F1 left group "G" while the broker refused to cancel its Stop order \d+ \(Sell ESZ6\), Limit order \d+ \(Sell ESZ6\): mimik asks no more; cancel it by hand if it is working$/,
      ),
    ]);
  });
});
