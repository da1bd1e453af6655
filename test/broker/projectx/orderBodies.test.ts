/** ProjectX's order bodies: a trailing stop is type 5 with its distance as trailPrice (ProjectX starts its stop). */
import { describe, expect, it } from "vitest";
import { modifyBody, placeBody } from "../../../engine/broker/projectx/orders.js";

describe("ProjectX order bodies", () => {
  it("a trailing stop: type 5 and trailPrice; no stopPrice, ProjectX places the stop itself", () => {
    const trailing = { orderType: "TrailingStop" as const, stopPrice: 6790, trail: 10 };
    expect(placeBody(7, "CON.F.US.EP.Z26", { action: "Sell", qty: 2, clOrdId: "mm-1", ...trailing })).toEqual(
      {
        accountId: 7,
        contractId: "CON.F.US.EP.Z26",
        type: 5,
        side: 1,
        size: 2,
        trailPrice: 10,
        customTag: "mm-1",
      },
    );
    expect(modifyBody({ accountId: 7, orderId: 5, qty: 1, orderType: "TrailingStop", trail: 10 })).toEqual({
      accountId: 7,
      orderId: 5,
      size: 1,
      trailPrice: 10,
    });
  });
});
