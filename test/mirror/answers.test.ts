/**
 * A placement's answer and what the broker shows of the order do not come in a fixed order: the
 * order may finish before the mirror ever saw it working, and a snapshot may be read while the
 * placement is still on its way. Neither may leave the follower with a mirror that is not there,
 * nor with one placed twice.
 */
import { describe, expect, it } from "vitest";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;

const ocosTo = (w: ReturnType<typeof mirrorWorld>, accountId: number) =>
  w.venue.sent.filter((s) => s.kind === "oco" && s.accountId === accountId);

describe("mirror placements and their answers", () => {
  it("a mirror that finished before it was ever seen working is not taken for a working one", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.hold = true;
    await protectedLong(w);
    w.venue.hold = false;
    w.venue.answer();
    // F1's stop fills at once, in the frame that reports it placed (its OCO partner goes with it).
    const stopLeg = w.venue.open(F1).find((o) => o.orderType === "Stop")!;
    w.venue.fill(stopLeg.orderId, 2);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
    w.venue.setPosition(F1, "ESZ6", 2); // long again: it needs its protection again
    await w.settle();
    expect(ocosTo(w, F1)).toHaveLength(2);
    expect(w.venue.open(F1)).toHaveLength(2);
  });

  it("a snapshot read while a placement is on its way does not make the placement a second time", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.hold = true;
    await protectedLong(w);
    expect(ocosTo(w, F1)).toHaveLength(1);
    await w.snapshot();
    w.venue.hold = false;
    w.venue.answer();
    await w.settle();
    expect(ocosTo(w, F1)).toHaveLength(1);
    expect(w.venue.open(F1)).toHaveLength(2);
  });

  it("while a placement's answer is awaited, the mirror waits for the answer instead of looking again and again", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.hold = true;
    const { stop } = await protectedLong(w);
    // The leader moves its stop while F1's OCO is still unanswered: F1's wants a modify it cannot
    // send before the order has an id.
    w.venue.change(stop, { stopPrice: 6795 });
    await w.settle();
    let looks = 0;
    const read = w.venue.workingOrders;
    w.venue.workingOrders = (accountId) => {
      looks++;
      return read(accountId);
    };
    for (let i = 0; i < 50; i++) {
      w.clock.advance(10);
      await w.settle();
    }
    expect(looks).toBeLessThan(10);
    // The answer comes: the stop is moved at once.
    w.venue.hold = false;
    w.venue.answer();
    await w.settle();
    const stopLeg = w.venue.open(F1).find((o) => o.orderType === "Stop")!;
    expect(stopLeg.stopPrice).toBe(6795);
  });
});
