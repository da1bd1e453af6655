import { describe, expect, it } from "vitest";
import { DayCash } from "../../../engine/broker/projectx/dayCash.js";
import type { PxTrade } from "../../../engine/broker/projectx/wire.js";

// ProjectX gives an account's balance only; the balance its trading day began with is that less
// what the day's trades moved it by (their P&L less their fees). The day rolls at 17:00 CT.

const ACCOUNT = 7;
// Thursday 2026-12-03 10:00 CT: trading day 2026-12-03, which began Wednesday 17:00 CT.
const NOW = Date.parse("2026-12-03T16:00:00Z");
const YESTERDAY_NOON = Date.parse("2026-12-02T18:00:00Z");
const THIS_MORNING = Date.parse("2026-12-03T14:00:00Z");
const LAST_NIGHT = Date.parse("2026-12-03T01:00:00Z"); // Wednesday 19:00 CT: today's session

const trade = (id: number, patch: Partial<PxTrade>): PxTrade => ({
  id,
  accountId: ACCOUNT,
  contractId: "CON.F.US.ENQ.Z26",
  price: 21_000,
  side: 1,
  size: 2,
  voided: false,
  orderId: id,
  at: THIS_MORNING,
  profitAndLoss: undefined,
  fees: 2,
  ...patch,
});

describe("ProjectX: the balance the trading day began with", () => {
  it("takes back today's trades' P&L and fees, and leaves yesterday's and voided ones", () => {
    let now = NOW;
    const cash = new DayCash(() => now);
    cash.snapshot(ACCOUNT, 49_500, [
      trade(1, { at: YESTERDAY_NOON, profitAndLoss: -300 }),
      trade(2, { at: LAST_NIGHT }),
      trade(3, { at: THIS_MORNING, profitAndLoss: -400 }),
      trade(4, { at: THIS_MORNING, profitAndLoss: -1_000, voided: true }),
      trade(5, { at: THIS_MORNING, profitAndLoss: 50, accountId: 8 }),
    ]);
    // Today: −400 and 2 × $2 of fees moved 50 000 to 49 596; the trader's 49 500 says 49 904 began it.
    expect(cash.get(ACCOUNT)).toEqual({
      amount: 49_500,
      realizedPnL: -700,
      dayStart: { tradingDay: "2026-12-03", balance: 49_904 },
    });

    // A live trade and the balance that books it: the day's start stays where it was.
    cash.trade(trade(6, { profitAndLoss: 100 }));
    expect(cash.balance(ACCOUNT, 49_598)).toBe(true);
    expect(cash.balance(ACCOUNT, 49_598)).toBe(false);
    expect(cash.get(ACCOUNT)?.dayStart).toEqual({ tradingDay: "2026-12-03", balance: 49_904 });

    // Past 17:00 CT nothing has traded yet: the new day began with the balance now.
    now = Date.parse("2026-12-03T23:30:00Z");
    expect(cash.get(ACCOUNT)?.dayStart).toEqual({ tradingDay: "2026-12-04", balance: 49_598 });
    cash.trade(trade(7, { at: now, profitAndLoss: -20 }));
    expect(cash.balance(ACCOUNT, 49_576)).toBe(true);
    expect(cash.get(ACCOUNT)?.dayStart).toEqual({ tradingDay: "2026-12-04", balance: 49_598 });
  });

  it("a trade whose account update came first: its arrival puts the start right, and says so", () => {
    const cash = new DayCash(() => NOW);
    cash.snapshot(ACCOUNT, 50_000, []);
    // The balance books a −100 trade (and $2 of fees) before the trade is heard: the start reads 49 898 …
    expect(cash.balance(ACCOUNT, 49_898)).toBe(true);
    expect(cash.get(ACCOUNT)?.dayStart?.balance).toBe(49_898);
    // … until the trade comes, which must be told: no balance follows it.
    expect(cash.trade(trade(1, { profitAndLoss: -100 }))).toBe(true);
    expect(cash.get(ACCOUNT)?.dayStart?.balance).toBe(50_000);

    // ProjectX's own order, trade then account: the trade tells nothing, its balance does.
    expect(cash.trade(trade(2, { profitAndLoss: 40 }))).toBe(false);
    expect(cash.balance(ACCOUNT, 49_936)).toBe(true);
    expect(cash.get(ACCOUNT)?.dayStart?.balance).toBe(50_000);
    // Two trades behind one balance: the second puts it right.
    expect(cash.balance(ACCOUNT, 49_936 + 30 - 2 - 2)).toBe(true);
    expect(cash.trade(trade(3, { profitAndLoss: 10 }))).toBe(false);
    expect(cash.trade(trade(4, { profitAndLoss: 20 }))).toBe(true);
    expect(cash.get(ACCOUNT)?.dayStart?.balance).toBe(50_000);
    // A balance no trade explains (a deposit): a later trade of another size tells nothing.
    expect(cash.balance(ACCOUNT, 50_962)).toBe(true);
    expect(cash.trade(trade(5, { profitAndLoss: -8 }))).toBe(false);
  });

  it("knows nothing of an account it has no balance for", () => {
    const cash = new DayCash(() => NOW);
    cash.trade(trade(1, { profitAndLoss: -50 }));
    expect(cash.get(ACCOUNT)).toBeUndefined();
  });
});
