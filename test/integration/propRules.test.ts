import { afterEach, describe, expect, it } from "vitest";
import { tradingDayOf, tradingWeekOf } from "../../engine/risk/tradingDay.js";
import { MemoryRiskStore } from "../../engine/runtime/memoryStores.js";
import type { FollowerStateEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/** Issue 16 part 4: the weekly loss limit and the daily give-back, judged on the simulator's book. */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function withLimits(limits: Record<string, number>) {
  const config = simConfig();
  const f = config.groups[0]!.followers.find((x) => x.account === "DEMO2003")!;
  f.limits = limits;
  return config;
}

const lockReasons = (r: Rig) =>
  r.events
    .filter((e): e is FollowerStateEvent => e.type === "followerState" && e.follower === "DEMO2003")
    .map((e) => e.reason ?? "");

describe("issue 16: weekly loss and daily give-back flatten and lock through the simulator", () => {
  it("a week already down: a small loss today reaches the weekly limit; flattened, locked as weekly", async () => {
    const store = new MemoryRiskStore();
    const today = tradingDayOf(Date.now());
    const startBalance = 50_000; // the default scenario's follower balance
    // The week started $1,200 higher: a $300 loss today reaches a $1,500 weekly loss.
    await store.saveFollower("DEMO2003", {
      state: "ACTIVE",
      tradingDay: today,
      tradingWeek: tradingWeekOf(today),
      weekStartBalance: startBalance + 1_200,
    });
    rig = await startRig(withLimits({ weeklyLoss: 1_500, dailyLoss: 1_000 }), { riskStore: store });
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq, "risk to see DEMO2003");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 1, "DEMO2003 long 1 NQ");
    // 1 NQ × $20 × 16 points = $320 down today: daily room left, the week's is gone.
    sim.control.jumpPrice("NQZ6", -16);
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "DEMO2003 locked");
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(0);
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ lockKind: "weekly" });
    expect(lockReasons(rig).some((r) => /^weekly loss limit: week P&L -\$1\d\d\d\.\d\d/.test(r))).toBe(true);
    expect(store.read().followers.DEMO2003).toMatchObject({ state: "LOCKED", lockKind: "weekly" });
    // The leader and the other followers keep their positions.
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(1);
    expect((await engine.unlock("DEMO2003")).reason).toMatch(/Sunday 17:00 CT roll/);
  });

  it("up on the day, then giving back the give-back from the peak: flattened, locked as giveback", async () => {
    rig = await startRig(withLimits({ dailyGiveBack: 400, dailyLoss: 5_000 }));
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq, "risk to see DEMO2003");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 1, "DEMO2003 long 1 NQ");
    const before = engine.risk.snapshot("DEMO2003")!.netLiq!;
    sim.control.jumpPrice("NQZ6", 30); // +$600
    await eventually(() => (engine.risk.snapshot("DEMO2003")?.netLiq ?? 0) >= before + 590, "the peak");
    expect(engine.risk.snapshot("DEMO2003")?.state).toBe("ACTIVE");
    sim.control.jumpPrice("NQZ6", -21); // $420 back from the peak, still up on the day
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "DEMO2003 locked");
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(0);
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ lockKind: "giveback" });
    expect(engine.risk.snapshot("DEMO2003")!.dayPnl!).toBeGreaterThan(0);
    expect(lockReasons(rig).some((r) => r.startsWith("daily give-back: $4"))).toBe(true);
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(1);
  });
});
