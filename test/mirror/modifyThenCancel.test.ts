/**
 * A mirror whose modify is on its way is cancelled before an exit (cancel before close, issue 14).
 * The modify's answer then comes before the cancel's: the order is still being cancelled and may
 * still fill on the cancel's way. An exit that waits for that cancel (the copier's "exit waits for
 * its mirrored order's cancel") must keep waiting, and the cancel is not sent a second time.
 */
import { describe, expect, it } from "vitest";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;

describe("a modify answered after the order's cancel was sent", () => {
  it("leaves the order being cancelled until the cancel's own end", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    const f1Stop = w.venue.open(F1).find((o) => o.orderType === "Stop")!;
    const status = () => w.venue.workingOrders(F1).find((o) => o.orderId === f1Stop.orderId)?.status;
    const cancelsOfStop = () =>
      w.venue.sent.filter(
        (s) => s.kind === "cancel" && (s.body as { orderId: number }).orderId === f1Stop.orderId,
      );
    w.venue.hold = true;
    w.venue.change(stop, { stopPrice: 6795 });
    await w.settle();
    expect(w.venue.sent.some((s) => s.kind === "modify" && s.accountId === F1)).toBe(true);
    // The leader's exit is copied to F1 while its stop's modify is unanswered.
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(cancelsOfStop()).toHaveLength(1);
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    // The modify's answer lands; the cancels' answers do not yet: the stop still works.
    w.venue.answerOldest((s) => s.kind === "modify" && s.accountId === F1);
    await w.settle();
    w.clock.advance(1000);
    await w.settle();
    expect(status()).toBe("Working");
    // What the copier asks before it copies the leader stop's fill, and what would end its wait.
    expect(w.mirror.cancelling("F1", stop)).toBe(true);
    expect(w.cancelEnded).toEqual([]);
    expect(cancelsOfStop()).toHaveLength(1);
    // The cancels land: only then is the wait over.
    w.venue.hold = false;
    w.venue.answer();
    await w.settle();
    expect(status()).toBeUndefined();
    expect(w.mirror.cancelling("F1", stop)).toBe(false);
    expect(w.cancelEnded).toContain("F1 ESZ6");
    expect(cancelsOfStop()).toHaveLength(1);
  });
});
