/**
 * A follower's mirrored entry still working when the leader's filled goes to market after the
 * late window (late.entries "market"): the market order passes the same cap as any opening.
 */
import { describe, expect, it } from "vitest";
import type { Follower } from "../../data/schema.js";
import type { PlaceOrderRequest } from "../../engine/types.js";
import { mirrorWorld } from "./fakeVenue.js";

const L = 1;
const F1 = 2;

const follower = (account: string, extra: Partial<Follower> = {}): Follower => ({
  account,
  enabled: true,
  sizing: { mode: "multiplier", value: 1 },
  mapping: "none",
  limits: {},
  ...extra,
});

describe("a late entry sent to market", () => {
  it("is sized to what max contracts leaves room for now, not to what its order had left", async () => {
    const w = mirrorWorld({
      copy: "orders",
      followers: [follower("F1", { maxContracts: 3 }), follower("F2")],
    });
    const buy = w.venue.leaderOrder(L, { side: "Buy", orderType: "Limit", qty: 3, price: 6790 });
    await w.settle();
    expect(w.venue.open(F1).map((o) => o.qty)).toEqual([3]);
    w.venue.fill(buy, 3); // the leader's fills; F1's waits in the queue
    await w.settle();
    // The leader buys 1 more at market, copied to F1: it holds 1 of its 3 now.
    w.venue.setPosition(L, "ESZ6", 4);
    w.venue.setPosition(F1, "ESZ6", 1);
    await w.settle();
    w.clock.advance(5_000);
    await w.settle();
    const markets = w.venue.sent
      .filter((s) => s.kind === "place" && s.accountId === F1)
      .map((s) => s.body as PlaceOrderRequest)
      .filter((p) => p.orderType === "Market" || p.orderType === undefined);
    expect(markets.map((m) => [m.action, m.qty])).toEqual([["Buy", 2]]);
  });
});
