/**
 * A modify the follower's broker refuses was asked again 5 s, 15 s, then once a minute, for as
 * long as the broker refused it: all session long, the login's budget spent and the follower's
 * order left where it was with no more than a line per refusal in the journal. After about ten
 * minutes of refusals (MODIFY_REFUSALS_TO_GIVE_UP) it is given up, the trader told once at error
 * level where the follower's order stayed and where the leader's is; the leader's next move, or
 * the order's end, starts afresh.
 */
import { describe, expect, it } from "vitest";
import { MODIFY_REFUSALS_TO_GIVE_UP } from "../../engine/mirror/modifySpacing.js";
import type { AlertEvent, ModifyOrderRequest } from "../../engine/types.js";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;

describe("a modify refused again and again", () => {
  it("is given up after about ten minutes, the trader told once; the leader's next move is asked afresh", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    for (let i = 0; i < 200; i++) w.venue.failNext.push({ failureReason: "InvalidPrice", failureText: "no" });
    const modifies = () =>
      w.venue.sent
        .filter((s) => s.kind === "modify" && s.accountId === F1)
        .map((s) => (s.body as ModifyOrderRequest).stopPrice);
    const errors = () =>
      w.events.filter(
        (e): e is AlertEvent => e.type === "alert" && e.level === "error" && e.follower === "F1",
      );
    w.venue.change(stop, { stopPrice: 6795 });
    await w.settle();
    // Half an hour of refusals. Before: asked once a minute all along (30 times and more).
    for (let i = 0; i < 360; i++) {
      w.clock.advance(5_000);
      await w.settle();
    }
    expect(modifies()).toHaveLength(MODIFY_REFUSALS_TO_GIVE_UP);
    expect(errors().map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^the broker refused 12 times to move F1's Stop order \d+ \(Sell ESZ6\): InvalidPrice: no\. It stays at 6790 \(2 contracts\) while the leader's order \d+ is at 6795 \(2 asked\); mimik asks no more until the leader moves its order again/,
      ),
    ]);
    expect(
      w.events.filter(
        (e) => e.type === "mirror" && e.follower === "F1" && e.reason.startsWith("modify rejected 12 times"),
      ),
    ).toHaveLength(1);
    expect(w.venue.open(F1).find((o) => o.orderType === "Stop")?.stopPrice).toBe(6790);
    // The leader moves its stop again: asked afresh, and taken.
    w.venue.failNext.length = 0;
    w.venue.change(stop, { stopPrice: 6796 });
    await w.settle();
    w.clock.advance(250);
    await w.settle();
    expect(modifies().at(-1)).toBe(6796);
    expect(w.venue.open(F1).find((o) => o.orderType === "Stop")?.stopPrice).toBe(6796);
    expect(errors()).toHaveLength(1);
  });
});
