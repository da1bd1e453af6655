import { describe, expect, it } from "vitest";
import { countedOpening } from "../../engine/risk/tradeCount.js";
import type { FollowerRiskRecord } from "../../engine/types.js";

describe("countedOpening: a trade counted with its leader order", () => {
  it("counts every opening, keeps each order once and only the last ten", () => {
    let r: FollowerRiskRecord = { state: "ACTIVE" };
    for (let id = 1; id <= 12; id++) r = countedOpening(r, 1000 + id);
    r = countedOpening(r, 1012);
    r = countedOpening(r);
    expect(r.tradesToday).toBe(14);
    expect(r.tradeOrders).toEqual([1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012]);
  });

  it("an opening with no leader order (made up at a re-sync) adds no order", () => {
    expect(countedOpening({ state: "ACTIVE", tradesToday: 2 })).toEqual({ state: "ACTIVE", tradesToday: 3 });
  });
});
