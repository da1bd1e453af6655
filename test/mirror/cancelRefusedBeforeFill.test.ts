/**
 * A mirror's cancel refused because the order already filled (ProjectX answers Order/cancel on
 * HTTP; the fill comes on its user hub, which may be later). Until the order's report, or a short
 * while without one, the mirror still counts as being cancelled: the copier's exit that waits for
 * it (the exit waits for its mirrored order's cancel) is sized once the fill is heard, not from a
 * position that still shows the contracts the stop sold.
 */
import { describe, expect, it } from "vitest";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;
const TOO_LATE = { failureReason: "Rejected", failureText: "order is not open" };

describe("a mirror's cancel refused before its fill is heard", () => {
  it("still counts as being cancelled until the fill's report", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    const f1Stop = w.venue.open(F1).find((o) => o.orderType === "Stop")!;
    // F1's exit orders are cancelled before an exit; on their way, the market takes F1's stop
    // (its OCO partner goes with it), and its hub has not told mimik yet when the refusals come.
    w.venue.failNext.push(TOO_LATE, TOO_LATE);
    w.venue.hold = true;
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(w.venue.sent.filter((s) => s.kind === "cancel" && s.accountId === F1)).toHaveLength(2);
    w.venue.mute = true;
    w.venue.fill(f1Stop.orderId, 2);
    w.venue.hold = false;
    w.venue.answer();
    await w.settle();
    // Refused: too late. The position mimik knows is still +2: nothing may be sized on it yet.
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(true);
    expect(w.cancelEnded).toEqual([]);
    // The fill's report lands: now the wait is over, the fill counted.
    w.venue.unmute();
    await w.settle();
    expect(w.mirror.cancelling("F1", stop)).toBe(false);
    expect(w.cancelEnded).toContain("F1 ESZ6");
  });

  it("a refusal with the order still working ends the wait after a short while", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    w.venue.failNext.push(TOO_LATE, TOO_LATE);
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    w.clock.advance(1_000);
    await w.settle();
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    w.clock.advance(1_500);
    await w.settle();
    // No report came: the order still works, and the plan takes it from there.
    expect(w.mirror.cancellingOn("F1", "ESZ6", "Sell")).toBe(false);
    expect(w.cancelEnded).toContain("F1 ESZ6");
    expect(w.venue.open(F1).some((o) => o.orderType === "Stop")).toBe(true);
  });
});
