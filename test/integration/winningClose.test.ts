import { afterEach, describe, expect, it } from "vitest";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/**
 * The simulator reports a close as Tradovate does: the flat position, then the cash with the
 * profit in it. A follower with a trailing drawdown that closes a winning trade keeps trading.
 */
describe("a winning close through the simulator", () => {
  it("does not lock a follower by its trailing drawdown", async () => {
    const config = simConfig();
    const f = config.groups[0]?.followers.find((x) => x.account === "DEMO2003");
    if (f) f.limits = { trailingDrawdown: 300 };
    rig = await startRig(config);
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq, "risk to see DEMO2003");

    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2 NQ");
    const start = engine.risk.snapshot("DEMO2003")?.cashBalance ?? 0;
    // 2 NQ × $20 × 20 points: $800 of open profit, the high-water mark with it.
    sim.control.jumpPrice("NQZ6", 20);
    await eventually(
      () => (engine.risk.snapshot("DEMO2003")?.highWaterMark ?? 0) >= start + 700,
      "the high-water mark to take the open profit",
    );

    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 0, "DEMO2003 closed");
    await eventually(
      () => (engine.risk.snapshot("DEMO2003")?.cashBalance ?? 0) >= start + 700,
      "the profit in the cash",
    );
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ state: "ACTIVE", lockKind: undefined });
  });
});
