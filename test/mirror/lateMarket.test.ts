/**
 * What is left of a late mirror goes to market once (late.ts). That market order names the leader
 * order too, and may show as working before its fill comes (or sit working while the market is
 * halted): it is not a late mirror to be cancelled and sent to market again.
 */
import { describe, expect, it } from "vitest";
import type { PlaceOrderRequest } from "../../engine/types.js";
import { mirrorWorld } from "./fakeVenue.js";

const L = 1;
const F1 = 2;

describe("a late mirror's market order", () => {
  it("is sent once and left to fill, not cancelled and sent again", async () => {
    const w = mirrorWorld({ copy: "orders" });
    const buy = w.venue.leaderOrder(L, { side: "Buy", orderType: "Limit", qty: 2, price: 6790 });
    await w.settle();
    w.venue.fill(buy, 2); // the leader's fills; F1's waits in the queue
    await w.settle();
    w.clock.advance(5_000);
    await w.settle();
    w.clock.advance(5_000);
    await w.settle();
    const toF1 = w.venue.sent.filter((s) => s.accountId === F1);
    const markets = toF1.filter(
      (s) => s.kind === "place" && ((s.body as PlaceOrderRequest).orderType ?? "Market") === "Market",
    );
    expect(markets.map((s) => (s.body as PlaceOrderRequest).qty)).toEqual([2]);
    expect(toF1.filter((s) => s.kind === "cancel")).toHaveLength(1);
    expect(w.venue.open(F1).map((o) => [o.orderType, o.qty])).toEqual([["Market", 2]]);
  });
});
