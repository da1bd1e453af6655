/**
 * The leader changes the shape of its exits (a target joins its lone stop), or replaces its stop
 * with a new order, while the follower's placement of the old one is not answered yet. The old set cannot be cancelled before its
 * answer; placing the new one meanwhile leaves both working at the broker: two stops for one
 * position, both filled on the way down.
 */
import { describe, expect, it } from "vitest";
import type { PlaceOcoRequest } from "../../engine/types.js";
import { mirrorWorld } from "./fakeVenue.js";

const F1 = 2;

describe("a set replaced while its placement is unanswered", () => {
  it("the new set waits for the old one's answer and its cancel", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.setPosition(1, "ESZ6", 2);
    w.venue.setPosition(F1, "ESZ6", 2);
    w.venue.setPosition(3, "ESZ6", 1);
    w.venue.hold = true;
    const stop = w.venue.leaderOrder(1, { side: "Sell", orderType: "Stop", qty: 2, stopPrice: 6790 });
    w.clock.advance(1_000); // a lone stop waits a second for a partner, then goes alone
    await w.settle();
    const sentF1 = () => w.venue.sent.filter((s) => s.accountId === F1).map((s) => s.kind);
    expect(sentF1()).toEqual(["place"]);

    const target = w.venue.leaderOrder(1, { side: "Sell", orderType: "Limit", qty: 2, price: 6820 });
    await w.settle();
    // Nothing more for F1 while its stop's answer is out: it may be working at the broker already.
    expect(sentF1()).toEqual(["place"]);

    w.venue.hold = false;
    w.venue.answer();
    await w.settle();
    expect(sentF1()).toEqual(["place", "cancel", "oco"]);
    const oco = w.venue.sent.filter((s) => s.accountId === F1).at(-1)!.body as PlaceOcoRequest;
    expect([oco.clOrdId, oco.other.clOrdId].map((c) => Number(c.split("-")[1]))).toEqual([stop, target]);
    expect(w.venue.open(F1).map((o) => [o.orderType, o.qty])).toEqual([
      ["Stop", 2],
      ["Limit", 2],
    ]);
  });

  it("a leader stop cancelled and placed anew: the new one's mirror waits for the old one's cancel", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.setPosition(1, "ESZ6", 2);
    w.venue.setPosition(F1, "ESZ6", 2);
    w.venue.setPosition(3, "ESZ6", 1);
    const first = w.venue.leaderOrder(1, { side: "Sell", orderType: "Stop", qty: 2, stopPrice: 6790 });
    w.clock.advance(1_000);
    w.venue.hold = true;
    await w.settle();
    const sentF1 = () => w.venue.sent.filter((s) => s.accountId === F1).map((s) => s.kind);
    expect(sentF1()).toEqual(["place"]);

    w.venue.change(first, { status: "Canceled" });
    w.venue.leaderOrder(1, { side: "Sell", orderType: "Stop", qty: 2, stopPrice: 6795 });
    w.clock.advance(1_000);
    await w.settle();
    expect(sentF1()).toEqual(["place"]);

    w.venue.hold = false;
    w.venue.answer();
    await w.settle();
    expect(sentF1()).toEqual(["place", "cancel", "place"]);
    expect(w.venue.open(F1).map((o) => [o.orderType, o.qty, o.stopPrice])).toEqual([["Stop", 2, 6795]]);
  });
});
