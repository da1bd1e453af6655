import { describe, expect, it } from "vitest";
import { type configWith, ES, flush, longF1, statesOf } from "./fakes.js";

/**
 * Tradovate reports a closing fill's position before its cash balance (position → cashBalance);
 * ProjectX its position before its account. Between the two the profit has left the position and
 * is not in the cash yet: valued at that moment, a winning close looks like a drop of the whole
 * profit, and a limit measured from a peak (trailing drawdown, give-back) trips on a winning trade.
 */
async function winning(limits: Parameters<typeof configWith>[0][number]["limits"]) {
  const r = await longF1(limits, 2);
  r.session.quote(ES, 5030); // +$3 000 open: high-water mark and day peak 53 000
  await flush();
  return r;
}

describe("a closing fill's position arrives before its cash", () => {
  it("a winning close does not trip the trailing drawdown", async () => {
    const r = await winning({ trailingDrawdown: 1500 });
    r.session.closeAtMarket(11, ES.id); // flat, then cash 53 000
    await flush();
    expect(statesOf(r.events, "F1")).toEqual([]);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "ACTIVE", netLiq: 53_000, highWaterMark: 53_000 });
  });

  it("a winning close does not trip the daily give-back", async () => {
    const r = await winning({ dailyGiveBack: 1000 });
    r.session.closeAtMarket(11, ES.id);
    await flush();
    expect(statesOf(r.events, "F1")).toEqual([]);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "ACTIVE", netLiq: 53_000 });
  });

  it("a flip keeps the closed part's profit until the cash says it", async () => {
    const r = await winning({ trailingDrawdown: 1500 });
    // Sell 4 at 5030: +2 becomes −2 at 5030; the +$3 000 is realized, the cash follows.
    r.session.setPosition(11, ES, -2, 5030);
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    r.session.setBalance(11, 53_000);
    await flush();
    expect(statesOf(r.events, "F1")).toEqual([]);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "ACTIVE", netLiq: 53_000 });
  });

  it("a real loss after the close still trips", async () => {
    const r = await winning({ trailingDrawdown: 1500 });
    r.session.closeAtMarket(11, ES.id);
    await flush();
    r.session.setBalance(11, 51_500); // fees, a manual trade: the floor is 51 500
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ lockKind: "trailing", state: "LOCKED" });
  });
});
