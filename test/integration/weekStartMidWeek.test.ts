import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  position,
  type Rig,
  ShiftedClock,
  startRig,
} from "../support/rig.js";

/**
 * A Tradovate follower mimik first sees mid-week has a week behind it: its weekly loss limit counts
 * from the balance the week began with (cashBalance.weekRealizedPnL), as the firm's does, not from
 * the day's start. Judged on the simulator's book, on its clock: Monday's loss by hand, mimik taken
 * up on Tuesday.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MONDAY_10_CT = Date.parse("2026-01-12T16:00:00Z");
const TUESDAY_10_CT = Date.parse("2026-01-13T16:00:00Z");

/** Monday, by hand: 2 NQ × 10 points × $20 = $400 lost, $8 of fees; then the clock to Tuesday. */
function mondayLoss(sim: Simulator, account: string): void {
  sim.control.setFee("NQZ6", 2);
  sim.control.manualTrade(account, "NQZ6", "Buy", 2);
  sim.control.jumpPrice("NQZ6", -10);
  sim.control.manualTrade(account, "NQZ6", "Sell", 2);
  sim.control.advanceClock(TUESDAY_10_CT - Date.parse(sim.control.clock().now));
}

describe("a Tradovate follower first seen mid-week", () => {
  it("counts the week's loss made before mimik started, and locks weekly when the rest of its room goes", async () => {
    const config = crossBrokerConfig(
      { DEMO1000: "sim", DEMO2001: "sim" },
      { name: "G", leader: "DEMO1000", followers: [follower("DEMO2001", { limits: { weeklyLoss: 500 } })] },
    );
    rig = await startRig(config, {
      sim: { alwaysOpen: false, clock: MONDAY_10_CT },
      clock: new ShiftedClock(TUESDAY_10_CT),
      beforeStart: (sim) => mondayLoss(sim, "DEMO2001"),
    });
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("DEMO2001")?.dayPnl !== undefined, "DEMO2001 valued");
    const view = engine.risk.snapshot("DEMO2001");
    // Tuesday has lost nothing yet; the week $400 (its fees are not told: tradovate-protocol.md §4).
    expect(view?.dayPnl).toBe(0);
    expect(view?.roomWeekly).toBe(100);
    expect(view?.state).toBe("ACTIVE");

    // A copied 2 NQ losing 3 points ($120 and $4 of fees) takes the week past $500.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 2, "DEMO2001 copied long 2");
    sim.control.jumpPrice("NQZ6", -3);
    await eventually(() => engine.risk.snapshot("DEMO2001")?.state === "LOCKED", "DEMO2001 locked");
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 0, "DEMO2001 flattened on the book");
    expect(engine.risk.snapshot("DEMO2001")?.lockKind).toBe("weekly");
    expect(engine.risk.snapshot("DEMO2001")?.lockReason).toBe(
      "weekly loss limit: week P&L -$524.00 reached -$500.00",
    );
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(2);
  });
});
