/**
 * A follower's mirrored exit fills, and its broker tells of the order before the position (two
 * frames: nothing promises one). Until the position comes, the follower still reads as long: the
 * filled leg must not be taken for missing and placed again, or a flat follower gets a fresh stop
 * under a market that is already through it, and goes short.
 */
import { describe, expect, it } from "vitest";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;

describe("a mirrored exit filled, its position not told yet", () => {
  it("native OCO: nothing is placed again for the filled set", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    const before = w.venue.sent.length;
    const [stopLeg, targetLeg] = [
      w.venue.open(F1).find((o) => o.orderType === "Stop")!,
      w.venue.open(F1).find((o) => o.orderType === "Limit")!,
    ];
    w.venue.change(stopLeg.orderId, { status: "Filled", filledQty: 2 });
    w.venue.change(targetLeg.orderId, { status: "Canceled" });
    await w.settle();
    expect(w.venue.sent.slice(before)).toEqual([]);
    w.venue.setPosition(F1, "ESZ6", 0);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
    expect(w.venue.sent.slice(before)).toEqual([]);
  });

  it("legs linked by mimik: the other leg is cancelled, nothing is placed", async () => {
    const w = mirrorWorld({ protect: true }, { nativeOco: false });
    await protectedLong(w);
    const before = w.venue.sent.length;
    const stopLeg = w.venue.open(F1).find((o) => o.orderType === "Stop")!;
    w.venue.change(stopLeg.orderId, { status: "Filled", filledQty: 2 });
    await w.settle();
    expect(w.venue.sent.slice(before).map((s) => s.kind)).toEqual(["cancel"]);
    w.venue.setPosition(F1, "ESZ6", 0);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
    expect(w.venue.sent.slice(before).map((s) => s.kind)).toEqual(["cancel"]);
  });
});
