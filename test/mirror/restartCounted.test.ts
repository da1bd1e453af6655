/**
 * A mirrored entry was counted as one of the follower's trades when it was placed; risk keeps
 * that count over a restart. The entry found working again after a restart is the same trade: it
 * is neither counted again nor cancelled for the trades-per-day limit it already used.
 */
import { describe, expect, it } from "vitest";
import { mirrorWorld } from "./fakeVenue.js";

const L = 1;
const F1 = 2;

describe("a mirrored entry found working after a restart", () => {
  it("is not cancelled because the trade it counted used up the day's limit", async () => {
    const w = mirrorWorld({ copy: "orders" });
    w.gates.set("F1", { state: "ACTIVE", tradesLeft: 1 });
    w.venue.leaderOrder(L, { side: "Buy", orderType: "Limit", qty: 2, price: 6790 });
    await w.settle();
    expect(w.venue.open(F1)).toHaveLength(1);
    w.gates.set("F1", { state: "ACTIVE", tradesLeft: 0 }); // risk counted it (and saves the count)
    await w.restartSynced();
    expect(w.venue.sent.filter((s) => s.accountId === F1).map((s) => s.kind)).toEqual(["place"]);
    expect(w.venue.open(F1)).toHaveLength(1);
  });
});
