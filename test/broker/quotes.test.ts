import { describe, expect, it } from "vitest";
import { tradovateEndpoints } from "../../engine/broker/index.js";
import { parseQuotes } from "../../engine/broker/quotes.js";

describe("parseQuotes", () => {
  it("takes the Trade price, else the Bid/Offer mid", () => {
    const quotes = parseQuotes(
      {
        quotes: [
          {
            contractId: 1,
            timestamp: "2026-11-23T15:00:00.000Z",
            entries: { Trade: { price: 10 }, Bid: { price: 9 }, Offer: { price: 11.5 } },
          },
          { contractId: 2, entries: { Bid: { price: 9 }, Offer: { price: 10 } } },
          { contractId: 3, entries: {} },
          "junk",
        ],
      },
      123,
    );
    expect(quotes).toEqual([
      { contractId: 1, price: 10, ts: Date.parse("2026-11-23T15:00:00.000Z") },
      { contractId: 2, price: 9.5, ts: 123 },
    ]);
    expect(parseQuotes(undefined, 1)).toEqual([]);
  });
});

describe("tradovateEndpoints", () => {
  it("returns Tradovate's documented hosts", () => {
    expect(tradovateEndpoints("demo")).toEqual({
      restUrl: "https://demo.tradovateapi.com/v1",
      wsUrl: "wss://demo.tradovateapi.com/v1/websocket",
      mdUrl: "wss://md.tradovateapi.com/v1/websocket",
    });
    expect(tradovateEndpoints("live").restUrl).toBe("https://live.tradovateapi.com/v1");
  });
});
