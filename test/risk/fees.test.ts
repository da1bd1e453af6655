import { describe, expect, it } from "vitest";
import { BrokerModel } from "../../engine/broker/model.js";
import { type BalanceEvent, silentLogger } from "../../engine/types.js";
import { configWith, ES, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT

/**
 * Issue 12 #8: Tradovate's cash balance moves by commissions and exchange fees as well as by
 * realized P&L. Net liquidation and the loss limits read the broker's cash balance, so fees count.
 */
describe("fees move net liquidation and the loss limits", () => {
  it("the broker model reports the cash balance as Tradovate sends it, fees included", () => {
    const m = new BrokerModel("conn", silentLogger);
    m.setAccounts([{ id: 11, name: "F1" }]);
    m.applySnapshot({ cashBalances: [{ id: 11, accountId: 11, amount: 50_000, realizedPnL: 0 }] }, true);
    // A round turn that made nothing: realized P&L 0, fees $4.18 off the cash.
    const events = m.applyProps(
      {
        entityType: "cashBalance",
        eventType: "Updated",
        entity: { id: 11, accountId: 11, amount: 49_995.82, realizedPnL: 0 },
      },
      0,
    );
    expect(events).toEqual([
      {
        type: "balance",
        connection: "conn",
        accountId: 11,
        amount: 49_995.82,
        realizedPnL: 0,
      } satisfies BalanceEvent,
    ]);
    expect(m.cashBalance(11)).toEqual({ amount: 49_995.82, realizedPnL: 0 });
  });

  it("fees alone can breach a daily loss limit, though realized P&L is zero", async () => {
    const r = rig(MON_NOON);
    r.session.addAccount(1, "LEAD", 100_000);
    r.session.addAccount(11, "F1", 50_000);
    r.session.prices.set(ES.id, 5000);
    r.engine.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 100 } }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ startOfDayBalance: 50_000, dayPnl: 0 });
    // Many flat round turns: realized P&L 0, $99.99 of fees.
    r.session.setBalance(11, 49_900.01);
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ netLiq: 49_900.01, dayPnl: -99.99, roomDaily: 0.01 });
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    r.session.setBalance(11, 49_900);
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
    await flush();
    expect(r.engine.snapshot("F1")?.lockReason).toMatch(/daily loss limit/);
  });
});
