import { afterEach, describe, expect, it } from "vitest";
import { MemoryRiskStore } from "../../engine/runtime/memoryStores.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * Issue 16: `shadow` switched by a live reload (the follower form's toggle). A shadow's P&L is its
 * would-be trades' from $0, a live follower's its account's: the limits must not read one against
 * the other's marks.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function config(shadow: boolean, limits: Record<string, number>) {
  const c = simConfig();
  const f = c.groups[0]!.followers.find((x) => x.account === "DEMO2003")!;
  f.limits = limits;
  if (shadow) f.shadow = true;
  return c;
}

describe("issue 16: a follower switched between shadow and live", () => {
  it("a shadow switched live is not taken past its profit target by its account's balance, nor flattened", async () => {
    rig = await startRig(config(true, { dailyProfitTarget: 1000 }));
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq === 0, "the shadow valued at $0");
    // The trader's own position on the real account, which the shadow never looked at.
    sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1);
    await eventually(() => engine.directory.route("DEMO2003")?.session.positions(3).length, "seen");
    engine.setConfig(config(false, { dailyProfitTarget: 1000 }));
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.netLiq ?? 0) > 1000, "valued at its account");
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ state: "ACTIVE" });
    expect(engine.risk.snapshot("DEMO2003")!.dayPnl!).toBeLessThan(1000);
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(1);
  });

  it("a live follower switched to shadow starts at $0 with none of its account's positions, and is not locked for it", async () => {
    rig = await startRig(config(false, { dailyLoss: 500 }));
    const { sim, engine } = rig;
    sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1);
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.netLiq ?? 0) > 1000, "valued at its account");
    engine.setConfig(config(true, { dailyLoss: 500 }));
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq === 0, "the shadow valued at $0");
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ state: "ACTIVE", dayPnl: 0 });
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(
      () => rig!.events.some((e) => e.type === "copy" && e.follower === "DEMO2003" && e.outcome === "shadow"),
      "a would-be copy",
    );
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ state: "ACTIVE" });
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(1);
  });

  it("a shadow's saved marks are no measure of it once it is live after a restart", async () => {
    const riskStore = new MemoryRiskStore();
    rig = await startRig(config(true, { dailyProfitTarget: 1000 }), { riskStore });
    await eventually(() => rig!.engine.risk.snapshot("DEMO2003")?.startOfDayBalance === 0, "marks at $0");
    await rig.close();
    rig = await startRig(config(false, { dailyProfitTarget: 1000 }), { riskStore });
    const { engine } = rig;
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.netLiq ?? 0) > 1000, "valued at its account");
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ state: "ACTIVE" });
    expect(engine.risk.snapshot("DEMO2003")!.dayPnl!).toBeLessThan(1000);
  });

  it("a live follower switched to shadow and back has its own marks again: the day's loss still counts", async () => {
    rig = await startRig(config(false, { dailyLoss: 1000 }));
    const { sim, engine } = rig;
    sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1);
    await eventually(() => engine.risk.snapshot("DEMO2003")?.startOfDayBalance, "its start of day");
    const start = engine.risk.snapshot("DEMO2003")!.startOfDayBalance!;
    // 1 ES × $50 × 10 points: $500 of the day's $1000 lost.
    sim.control.jumpPrice("ESZ6", -10);
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.dayPnl ?? 0) <= -400, "a loss");
    engine.setConfig(config(true, { dailyLoss: 1000 }));
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq === 0, "the shadow valued at $0");
    engine.setConfig(config(false, { dailyLoss: 1000 }));
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.netLiq ?? 0) > 1000, "valued at its account");
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ startOfDayBalance: start });
    expect(engine.risk.snapshot("DEMO2003")!.dayPnl!).toBeLessThanOrEqual(-400);
  });

  it("a shadow switched live and back starts flat, as its P&L does", async () => {
    rig = await startRig(config(true, {}));
    const { sim, engine } = rig;
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => engine.copier.shadows.position("DEMO2003", "NQZ6") === 1, "a would-be long");
    engine.setConfig(config(false, {}));
    engine.setConfig(config(true, {}));
    expect(engine.copier.shadows.position("DEMO2003", "NQZ6")).toBe(0);
  });
});

describe("issue 16: a shadow across a restart", () => {
  it("starts at $0 with marks of its own: the last run's would-be profit is no drawdown", async () => {
    const riskStore = new MemoryRiskStore();
    const limits = { trailingDrawdown: 150, dailyGiveBack: 150 };
    rig = await startRig(config(true, limits), { riskStore });
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq === 0, "the shadow valued at $0");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => engine.copier.shadows.position("DEMO2003", "NQZ6") === 1, "a would-be long");
    // 1 NQ × $20 × 10 points: a would-be $200 the last run made, its high-water mark.
    sim.control.jumpPrice("NQZ6", 10);
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.highWaterMark ?? 0) >= 200, "the mark rose");
    await rig.close();
    rig = await startRig(config(true, limits), { riskStore });
    await eventually(() => rig!.engine.risk.snapshot("DEMO2003")?.netLiq === 0, "the shadow at $0 again");
    expect(rig.engine.risk.snapshot("DEMO2003")).toMatchObject({ state: "ACTIVE", highWaterMark: 0 });
  });
});

describe("issue 16: where a switched follower stands on screen", () => {
  const shown = (r: Rig) =>
    r.events.filter((e) => e.type === "positions" && e.account === "DEMO2003").at(-1) as
      | { positions: { contract: string; netPos: number }[] }
      | undefined;

  it("switched to shadow, its would-be position (none yet), never its account's; switched back, its account's", async () => {
    rig = await startRig(config(false, {}));
    const { sim, engine } = rig;
    sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1);
    await eventually(() => shown(rig!)?.positions[0]?.netPos === 1, "its account's long shown");
    engine.setConfig(config(true, {}));
    expect(shown(rig)?.positions).toEqual([]);
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => shown(rig!)?.positions[0]?.contract === "NQZ6", "its would-be long shown");
    engine.setConfig(config(false, {}));
    expect(shown(rig)?.positions).toEqual([{ contract: "ESZ6", netPos: 1 }]);
  });
});
