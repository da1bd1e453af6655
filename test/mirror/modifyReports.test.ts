/**
 * Which modify a Tradovate command report refuses, matched by command id whether the answer (the
 * command id) or the report comes first; each refusal told once, an older one told again ignored.
 */
import { describe, expect, it } from "vitest";
import { ModifyReports, type TakenModify } from "../../engine/mirror/modifyReports.js";
import type { Target } from "../../engine/mirror/sender.js";

const modify = (stopPrice: number): TakenModify => ({
  t: { group: "G", follower: "F", contract: "ESZ6" } as Target,
  leaderId: 7,
  terms: { orderType: "Stop", stopPrice, timeInForce: "Day", remaining: 2 },
  filled: 0,
  from: {
    clOrdId: "mm-7-2-a",
    leaderId: 7,
    contract: "ESZ6",
    set: "a",
    side: "Sell",
    orderType: "Stop",
    qty: 2,
    filled: 0,
  },
});

describe("ModifyReports", () => {
  it("the answer first, then the report: the refused modify, once", () => {
    const r = new ModifyReports();
    expect(r.answered("mm-7-2-a", 81, modify(6795))).toBeUndefined();
    expect(r.refused("mm-7-2-a", 81, "no")).toMatchObject(modify(6795));
    expect(r.refused("mm-7-2-a", 81, "no")).toBeUndefined();
  });

  it("the report first: the answer says it was refused", () => {
    const r = new ModifyReports();
    expect(r.refused("mm-7-2-a", 81, "no")).toBeUndefined();
    expect(r.answered("mm-7-2-a", 81, modify(6795))).toBe("no");
  });

  it("an older modify's refusal told again with a later update is not the latest modify's", () => {
    const r = new ModifyReports();
    r.answered("mm-7-2-a", 81, modify(6795));
    expect(r.refused("mm-7-2-a", 81, "no")).toMatchObject(modify(6795));
    r.answered("mm-7-2-a", 83, modify(6796));
    expect(r.refused("mm-7-2-a", 81, "no")).toBeUndefined();
    expect(r.answered("mm-7-2-a", 84, modify(6797))).toBeUndefined();
  });
});
