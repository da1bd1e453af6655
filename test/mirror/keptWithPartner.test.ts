/**
 * An OCO leg whose leader order is gone stays while its partner mirrors a leader order that filled
 * (mirror seed 44411610): cancelling it would take the partner with it, and the partner is what
 * closes the follower. The leader's stop filled, its limit was cancelled with it; the follower's
 * stop had not been reached yet, and cancelling its limit took the stop too, leaving it holding.
 */
import { describe, expect, it } from "vitest";
import { LateOrders } from "../../engine/mirror/lateOrders.js";
import type { LeaderMemo } from "../../engine/mirror/leaderMemo.js";
import type { Held } from "../../engine/mirror/types.js";

const leg = (clOrdId: string, leaderId: number, set = "s1"): Held => ({
  ...{ clOrdId, leaderId, set, contract: "ESZ6", side: "Sell", orderType: "Limit" },
  ...{ qty: 2, filled: 0, orderId: leaderId + 1000 },
});
const FILLED = 76;
const memo = { filledOrder: (id: number) => (id === FILLED ? { contract: "ESZ6" } : undefined) };
const late = new LateOrders({} as never, {} as never, memo as unknown as LeaderMemo, {} as never);
const limit = leg("mm-77-2-s1", 77);
const no = (): boolean => false;
const yes = (): boolean => true;

describe("keptWithPartner: a gone leg stays beside a partner that answers a filled leader order", () => {
  it.each([
    ["its partner mirrors the leader's filled stop", [limit, leg("mm-76-2-s1", FILLED)], no, true],
    [
      "its partner's leader order is still open (the leader cancelled one leg by hand)",
      [limit, leg("mm-78-2-s1", 78)],
      no,
      false,
    ],
    [
      "the filled order is open again? then it is no late partner",
      [limit, leg("mm-76-2-s1", FILLED)],
      yes,
      false,
    ],
    ["a leg of another set is no partner", [limit, leg("mm-76-2-s2", FILLED, "s2")], no, false],
    ["alone", [limit], no, false],
  ] as const)("%s", (_, held, open, kept) => {
    expect(late.keptWithPartner(held, limit, open)).toBe(kept);
  });
});
