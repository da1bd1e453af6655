import { describe, expect, it } from "vitest";
import { BrokerRequestError } from "../../engine/broker/errors.js";
import {
  cancelOrderBody,
  liquidatePositionBody,
  modifyOrderBody,
  orderResultFromError,
  orderResultFromReply,
  placeOcoBody,
  placeOrderBody,
} from "../../engine/broker/orders.js";

describe("order bodies", () => {
  it("are market, automated, with account name and id", () => {
    expect(
      placeOrderBody({
        accountId: 1,
        accountName: "DEMO1",
        symbol: "MNQZ6",
        action: "Sell",
        qty: 3,
        clOrdId: "cp-9",
        text: "copy",
      }),
    ).toEqual({
      accountSpec: "DEMO1",
      accountId: 1,
      action: "Sell",
      symbol: "MNQZ6",
      orderQty: 3,
      orderType: "Market",
      isAutomated: true,
      clOrdId: "cp-9",
      text: "copy",
    });
    expect(cancelOrderBody(5)).toEqual({ orderId: 5, isAutomated: true });
    expect(liquidatePositionBody(1, 2)).toEqual({
      accountId: 1,
      contractId: 2,
      admin: false,
      isAutomated: true,
    });
  });

  it("give an OCO's other order its own time in force (left out, it would be a Day order)", () => {
    const pair = {
      accountId: 1,
      accountName: "DEMO1",
      symbol: "ESZ6",
      action: "Sell" as const,
      qty: 2,
      clOrdId: "mm-1",
      orderType: "Stop" as const,
      stopPrice: 6790,
    };
    const other = { action: "Sell" as const, orderType: "Limit" as const, price: 6820, clOrdId: "mm-2" };
    expect(
      placeOcoBody({ ...pair, timeInForce: "GTC", other: { ...other, timeInForce: "GTC" } }),
    ).toMatchObject({ timeInForce: "GTC", other: { orderType: "Limit", price: 6820, timeInForce: "GTC" } });
    expect(placeOcoBody({ ...pair, other }).other).not.toHaveProperty("timeInForce");
  });

  it("say a trailing stop's distance as pegDifference; its modify says no stop (it trails at the broker)", () => {
    const trailing = { orderType: "TrailingStop" as const, stopPrice: 6790, trail: 10 };
    const first = { accountId: 1, accountName: "DEMO1", symbol: "ESZ6", action: "Sell" as const, qty: 2 };
    expect(placeOrderBody({ ...first, clOrdId: "mm-1", ...trailing })).toMatchObject({
      orderType: "TrailingStop",
      stopPrice: 6790,
      pegDifference: 10,
    });
    const other = { action: "Sell" as const, clOrdId: "mm-2", ...trailing };
    const oco = placeOcoBody({ ...first, clOrdId: "mm-1", orderType: "Limit", price: 6820, other });
    expect(oco.other).toMatchObject({ orderType: "TrailingStop", stopPrice: 6790, pegDifference: 10 });
    expect(
      modifyOrderBody({ accountId: 1, orderId: 5, qty: 1, orderType: "TrailingStop", trail: 10 }),
    ).toEqual({
      orderId: 5,
      orderQty: 1,
      orderType: "TrailingStop",
      pegDifference: 10,
      isAutomated: true,
    });
  });
});

describe("orderResultFromReply", () => {
  it("maps orderId, failureReason, errorText and empty replies", () => {
    expect(orderResultFromReply({ orderId: 77 }, 1, 2)).toEqual({
      ok: true,
      orderId: 77,
      writtenAt: 1,
      ackAt: 2,
    });
    expect(orderResultFromReply({ failureReason: "TradingLocked", failureText: "locked" }, 1, 2)).toEqual({
      ok: false,
      failureReason: "TradingLocked",
      failureText: "locked",
      writtenAt: 1,
      ackAt: 2,
    });
    expect(orderResultFromReply({ errorText: "nope" }, 1, 2)).toMatchObject({
      ok: false,
      failureReason: "UnknownReason",
      failureText: "nope",
    });
    expect(orderResultFromReply(null, 1, 2)).toMatchObject({ ok: false, failureReason: "UnknownReason" });
    // A cancel answers {commandId}: the cancelled order's id is reported.
    expect(orderResultFromReply({ commandId: 9 }, 1, 2, 55)).toMatchObject({ ok: true, orderId: 55 });
    expect(orderResultFromReply({ orderId: 3, failureReason: "Success" }, 1, 2)).toMatchObject({ ok: true });
  });
});

describe("orderResultFromError", () => {
  it("names transport failures", () => {
    const reason = (e: unknown) => {
      const r = orderResultFromError(e, undefined, 0);
      return r.ok ? "ok" : r.failureReason;
    };
    expect(reason(new BrokerRequestError("timeout", "t"))).toBe("Timeout");
    expect(reason(new BrokerRequestError("disconnected", "d"))).toBe("Disconnected");
    expect(reason(new BrokerRequestError("rateLimited", "r", 429))).toBe("RateLimited");
    expect(reason(new BrokerRequestError("captcha", "c"))).toBe("penalty");
    expect(reason(new BrokerRequestError("penalty", "p"))).toBe("penalty");
    expect(reason(new BrokerRequestError("budget", "b"))).toBe("request budget");
    expect(reason(new BrokerRequestError("status", "s", 401))).toBe("Unauthorized");
    expect(reason(new Error("boom"))).toBe("RequestFailed");
  });
});
