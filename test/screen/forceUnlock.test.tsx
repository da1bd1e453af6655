import { afterEach, describe, expect, it } from "vitest";
import { tradingDayOf } from "../../engine/risk/tradingDay.js";
import { MemoryRiskStore } from "../../engine/runtime/memoryStores.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { KEY, type ScreenDriver, screenDriver, testConfig, text } from "./driver.js";

/**
 * `U` on the console: `mimik unlock --force` without another shell. It asks first, naming the
 * follower and what happens to its limits, and sends the very command the CLI verb sends.
 */

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1", label: "Mike" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1"] }],
  });

const locked = (d: ScreenDriver) =>
  d.store.push({ type: "followerState", at: 0, follower: "FOLL1", state: "LOCKED", reason: "manual" });

describe("U: force-unlock from the console", () => {
  it("asks, naming the follower and that its limits are checked when its balance comes; y sends unlock --force", async () => {
    const d = screenDriver(config());
    locked(d);
    d.store.publish();
    d.press(KEY.tab, text("U"));
    expect(d.state().confirm?.message).toBe(
      "Force-unlock Mike (FOLL1)? Its limits are checked when its balance comes",
    );
    expect(d.frame()).toContain(
      "⚠ Force-unlock Mike (FOLL1)? Its limits are checked when its balance comes y/N",
    );
    d.press(text("y"));
    await d.settle();
    expect(d.commands).toEqual([{ cmd: "unlock", follower: "FOLL1", force: true }]);
    expect(d.state().flash).toBe("FOLL1: unlocked");
    d.store.dispose();
  });

  it("with its balance known, the question says the limits it is past are overridden; n sends nothing", async () => {
    const d = screenDriver(config());
    locked(d);
    d.store.push({
      ...{ type: "risk", at: 0, follower: "FOLL1", netLiq: 48_000, dayPnl: -2000, highWaterMark: 50_000 },
      tradesToday: 0,
    });
    d.store.publish();
    d.press(KEY.tab, text("U"));
    expect(d.state().confirm?.message).toBe(
      "Force-unlock Mike (FOLL1)? Limits it is past are overridden: it copies again",
    );
    d.press(text("n"));
    await d.settle();
    expect(d.commands).toEqual([]);
    d.store.dispose();
  });

  it("for a follower still liquidating, the question says first that its flatten stops, whole at 80 columns", async () => {
    const d = screenDriver(config());
    d.store.push({
      type: "followerState",
      at: 0,
      follower: "FOLL1",
      state: "LIQUIDATE_ONLY",
      reason: "dailyLoss",
    });
    d.store.publish();
    d.press(KEY.tab, text("U"));
    const question = "Force-unlock Mike (FOLL1)? Its flatten stops; limits are waived";
    expect(d.state().confirm?.message).toBe(question);
    expect(d.frame()).toContain(`⚠ ${question} y/N`);
    d.store.dispose();
  });

  it("does nothing for a follower that is not locked, and says so", async () => {
    const d = screenDriver(config());
    d.press(KEY.tab, text("U"));
    await d.settle();
    expect(d.state().confirm).toBeUndefined();
    expect(d.state().flash).toBe("Force unlock: follower is not locked");
    expect(d.commands).toEqual([]);
    d.store.dispose();
  });
});

describe("U against the engine, on the simulator's book", () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("u is refused past the daily loss and points to U; U, y unlocks it and the leader's next fill reaches it", async () => {
    // DEMO2001 (×0.5, daily loss limit $1 000) was locked by hand earlier today, far below its day's start.
    const now = Date.now();
    const riskStore = new MemoryRiskStore();
    await riskStore.saveFollower("DEMO2001", {
      ...{ state: "LOCKED", lockKind: "manual", lockReason: "manual", lockedAt: now - 60_000 },
      ...{ tradingDay: tradingDayOf(now), startOfDayBalance: 10_000_000, highWaterMark: 10_000_000 },
    });
    const cfg = simConfig();
    cfg.groups[0]!.followers[0]!.limits = { dailyLoss: 1000 };
    rig = await startRig(cfg, { riskStore });
    const r = rig;
    await eventually(
      () => r.events.some((e) => e.type === "risk" && e.follower === "DEMO2001"),
      "DEMO2001's balance",
    );
    const d = screenDriver(cfg, { columns: 160, rows: 30 }, (command) => r.engine.execute(command));
    for (const e of r.events) d.store.push(e);
    const stop = r.engine.on((e) => d.store.push(e));
    d.store.publish();
    d.press(KEY.tab);

    d.press(text("u"));
    const refused = await eventually(() => d.state().flash, "u answered");
    expect(refused).toMatch(
      /^FAILED DEMO2001: daily loss limit.*mimik unlock --force \(U on the console\) waives it/,
    );
    expect(r.engine.risk.snapshot("DEMO2001")?.state).toBe("LOCKED");

    d.press(text("U"));
    expect(d.state().confirm?.message).toBe(
      "Force-unlock DEMO2001? Limits it is past are overridden: it copies again",
    );
    d.press(text("y"));
    await eventually(() => d.state().flash?.startsWith("DEMO2001: unlocked"), "U answered");
    expect(d.commands.at(-1)).toEqual({ cmd: "unlock", follower: "DEMO2001", force: true });
    expect(r.engine.risk.snapshot("DEMO2001")?.state).toBe("ACTIVE");
    // The daily loss is waived until the roll: its room is not shown as if it applied.
    const row = () => {
      d.store.publish();
      return (
        d
          .frame()
          .split("\n")
          .find((l) => l.includes("● DEMO2001 ")) ?? ""
      );
    };
    await eventually(() => row().includes("ACTIVE"), "DEMO2001 shown ACTIVE");
    await eventually(() => / waived /.test(row()), "DEMO2001's room/d: waived");
    const title =
      d
        .frame()
        .split("\n")
        .find((l) => l.includes("Followers of G")) ?? "";
    expect(title).toContain("daily limits waived until the 17:00 CT roll · DEMO2001 at Tradovate");

    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(
      () => position(r.sim, "DEMO2001", "ESZ6") === 1,
      "DEMO2001 long 1 (×0.5) with its leader",
    );
    stop();
    d.store.dispose();
  });
});
