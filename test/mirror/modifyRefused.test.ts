/**
 * The follower's broker refuses a modify of a mirror (a price it will not take). Asked again every
 * spacing (250 ms), it spent four requests a second per order from the login's budget, which
 * every account on that login shares, and journalled a refusal each time. The same terms are asked
 * again only after a while (a refusal may pass); the leader's next move as usual.
 */
import { describe, expect, it } from "vitest";
import type { ModifyOrderRequest } from "../../engine/types.js";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;

describe("a refused modify", () => {
  it("is sent again with the same terms only after a while; a new price as usual", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    for (let i = 0; i < 50; i++) w.venue.failNext.push({ failureReason: "InvalidPrice", failureText: "no" });
    const modifies = () =>
      w.venue.sent
        .filter((s) => s.kind === "modify" && s.accountId === F1)
        .map((s) => (s.body as ModifyOrderRequest).stopPrice);
    w.venue.change(stop, { stopPrice: 6795 });
    await w.settle();
    for (let i = 0; i < 19; i++) {
      w.clock.advance(250);
      await w.settle();
    }
    expect(modifies()).toEqual([6795]);
    w.clock.advance(300);
    await w.settle();
    expect(modifies()).toEqual([6795, 6795]);
    w.venue.failNext.length = 0;
    w.venue.change(stop, { stopPrice: 6796 });
    await w.settle();
    w.clock.advance(250);
    await w.settle();
    expect(modifies()).toEqual([6795, 6795, 6796]);
    expect(w.venue.open(F1).find((o) => o.orderType === "Stop")?.stopPrice).toBe(6796);
  });
});
