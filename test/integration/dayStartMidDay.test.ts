import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { crossBrokerConfig, eventually, follower, position, type Rig, startRig } from "../support/rig.js";

// A follower mimik first sees mid-day (new to it, or mimik stopped across the 17:00 CT roll) has a
// day behind it: its daily loss limit counts from the balance the day began with, as the firm's
// does, not from the balance mimik happened to see first.

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The trader lost 2 NQ × 10 points × $20 = $400 on the account by hand before mimik started. */
function morningLoss(sim: Simulator, account: string): void {
  sim.control.setFee("NQZ6", 2);
  sim.control.manualTrade(account, "NQZ6", "Buy", 2);
  sim.control.jumpPrice("NQZ6", -10);
  sim.control.manualTrade(account, "NQZ6", "Sell", 2);
}

const feesOf = (sim: Simulator, account: string) =>
  sim.control
    .records()
    .fills.filter((f) => f.accountName === account)
    .reduce((sum, f) => sum + f.fee, 0);

// Tradovate tells the day's realized P&L (cashBalance.realizedPnL) but not the fees the day paid
// before mimik started; ProjectX's trades carry both.
describe.each([
  ["Tradovate", "DEMO2001", "sim", false],
  ["ProjectX", "TSX5001", "px", true],
] as const)("a follower first seen mid-day at %s", (_broker, account, login, feesKnown) => {
  it("counts the day's loss made before mimik started, and locks flat when the rest of its room goes", async () => {
    const config = crossBrokerConfig(
      { DEMO1000: "sim", [account]: login },
      { name: "G", leader: "DEMO1000", followers: [follower(account, { limits: { dailyLoss: 500 } })] },
    );
    rig = await startRig(config, { beforeStart: (sim) => morningLoss(sim, account) });
    const { sim, engine } = rig;
    const fees = feesOf(sim, account);
    expect(fees).toBe(8);

    await eventually(() => engine.risk.snapshot(account)?.dayPnl !== undefined, `${account} valued`);
    expect(engine.risk.snapshot(account)?.dayPnl).toBe(feesKnown ? -400 - fees : -400);
    expect(engine.risk.snapshot(account)?.state).toBe("ACTIVE");

    // $400 or more of $500 gone: a copied 2 NQ losing 3 points ($120 and fees) is past the limit.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, account, "NQZ6") === 2, `${account} copied long 2`);
    sim.control.jumpPrice("NQZ6", -3);
    await eventually(() => engine.risk.snapshot(account)?.state === "LOCKED", `${account} locked`);
    await eventually(() => position(sim, account, "NQZ6") === 0, `${account} flattened on the book`);
    expect(engine.risk.snapshot(account)?.lockKind).toBe("daily");
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(2);
  });
});
