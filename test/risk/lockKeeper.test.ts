import { describe, expect, it } from "vitest";
import { REFUSALS } from "../../engine/outcome.js";
import { FollowerRisk } from "../../engine/risk/followerRisk.js";
import { LockKeeper } from "../../engine/risk/lockKeeper.js";
import type { FollowerRiskRecord, OrderResult } from "../../engine/types.js";
import { FakeClock } from "./fakes.js";

const OK: OrderResult = { ok: true, orderId: 1, writtenAt: 0, ackAt: 0 };

/** F1, configured, holding 1 ESH6 that the liquidation closes; LEAD a leader. */
const MON_NOON = Date.parse("2026-01-12T18:00:00Z");

function setup(
  record: FollowerRiskRecord = { state: "ACTIVE" },
  disk = true,
  closes = true,
  /** Runs as each save starts (time passing while it writes, the broker moving meanwhile). */
  onSave: (x: FollowerRisk, clock: FakeClock) => void = () => {},
) {
  const clock = new FakeClock(MON_NOON);
  const calls: string[] = [];
  const f = new FollowerRisk("F1");
  f.configured = true;
  f.record = { ...record };
  f.holdings.cash = 50_000;
  f.holdings.netLiq = 50_000;
  f.holdings.positions.set("1", {
    contractId: "1",
    contract: "ESH6",
    netPos: 1,
    netPrice: 5000,
    price: 5000,
    pointValue: 50,
    pointValueAsked: false,
    pointValueFailures: 0,
    priceAwaited: false,
  });
  const keeper = new LockKeeper({
    clock,
    liquidator: {
      cancel: async () => OK,
      liquidate: async () => {
        calls.push("liquidate");
        const p = f.holdings.positions.get("1");
        if (p && closes) p.netPos = 0;
        return OK;
      },
    },
    follower: (name) => (name === "F1" ? f : undefined),
    target: (name) => (name === "F1" ? f : name === "LEAD" ? REFUSALS.leader : REFUSALS.notFollower),
    mayTarget: () => true,
    exposure: () => ({ orders: [], open: f.holdings.openPositions() }),
    tradingDay: () => "2026-01-12",
    busy: () => false,
    save: async (x) => {
      onSave(x, clock);
      const sending = x.record.flattenOrders
        ?.filter((o) => o.answeredAt === undefined)
        .map((o) => o.contract);
      calls.push(`save ${x.record.state}${sending?.length ? ` (sending ${sending.join(", ")})` : ""}`);
      return disk;
    },
    refresh: (x) => calls.push(`show ${x.record.state}`),
    snapshot: () => {},
    unlocked: (_, waive) => calls.push(`unlocked${waive ? ", daily limits waived" : ""}`),
    revalue: () => calls.push("revalue"),
    activeAgain: (name, stopped) => calls.push(`${stopped ? "flatten stopped" : "unlocked"} ${name}`),
    alert: (level, message) => calls.push(`${level}: ${message}`),
  });
  return { clock, calls, f, keeper };
}

describe("LockKeeper: followers through the lock machine, each step shown and saved", () => {
  it("flatten-and-lock: shown LIQUIDATE_ONLY, saved BEFORE the liquidation, LOCKED once flat", async () => {
    const t = setup();
    const [outcome] = await t.keeper.flattenAndLock(["F1"], "manual");
    expect(outcome).toEqual({ target: "F1", status: "locked", sent: 1 });
    expect(t.calls.filter((c) => !c.includes(":"))).toEqual([
      "show LIQUIDATE_ONLY",
      // The liquidation about to go is in the lock's write, on disk before it leaves: a kill -9
      // before its answer still knows its fill for mimik's, at no second write.
      "save LIQUIDATE_ONLY (sending ESH6)",
      "liquidate",
      // The liquidation's order, saved as soon as it is answered: its fills are mimik's after a restart too.
      "save LIQUIDATE_ONLY",
      "show LOCKED",
      "save LOCKED",
    ]);
    expect(t.f.record).toMatchObject({ state: "LOCKED", lockKind: "manual", lockedAt: MON_NOON });
    expect(t.f.record.flattenOrders).toHaveLength(1);
  });

  it.each([
    [
      "the lock's save took longer than 2 s: the close went under a write of its own",
      (x: FollowerRisk, clock: FakeClock) => {
        if (x.record.state === "LIQUIDATE_ONLY" && x.record.flattenOrders?.[0]?.sentAt === MON_NOON)
          clock.t = MON_NOON + 2_500;
      },
      1,
    ],
    [
      "our own exit closed the contract while the lock was saved: nothing was liquidated",
      (x: FollowerRisk) => {
        const p = x.holdings.positions.get("1");
        if (x.record.state === "LIQUIDATE_ONLY" && p) p.netPos = 0;
      },
      0,
    ],
  ])(
    "a close the lock's write stamped but that never went under it is not kept: %s",
    async (_, onSave, liquidations) => {
      const t = setup({ state: "ACTIVE" }, true, true, onSave);
      const [outcome] = await t.keeper.flattenAndLock(["F1"], "manual");
      expect(outcome).toMatchObject({ target: "F1", status: "locked" });
      expect(t.calls.filter((c) => c === "liquidate")).toHaveLength(liquidations);
      // Only closes the broker answered are kept: a fill by hand in ESH6 a few seconds later is the trader's.
      const kept = t.f.record.flattenOrders ?? [];
      expect(kept.filter((o) => o.answeredAt === undefined)).toEqual([]);
      expect(kept).toHaveLength(liquidations);
      expect(t.calls).toContain("save LOCKED");
    },
  );

  it.each([
    ["a leader", "LEAD", { status: "refused", reason: REFUSALS.leader }],
    ["an unknown name", "NOPE", { status: "refused", reason: REFUSALS.notFollower }],
  ])("flatten-and-lock of %s is refused, nothing sent", async (_, name, expected) => {
    const t = setup();
    expect(await t.keeper.flattenAndLock([name], "manual")).toEqual([{ target: name, ...expected }]);
    expect(t.calls).toEqual([]);
  });

  it.each([
    ["ACTIVE → locked", { state: "ACTIVE" }, { status: "locked", reason: "lunch" }, "LOCKED"],
    [
      "already locked manually: kept as it is, answered with its reason and time",
      { state: "LOCKED", lockKind: "manual", lockReason: "old", lockedAt: MON_NOON - 60_000 },
      { status: "already locked", reason: "old", since: MON_NOON - 60_000 },
      "LOCKED",
    ],
    [
      "a daily lock becomes a manual one (the roll would clear it)",
      { state: "LOCKED", lockKind: "daily", lockReason: "daily loss" },
      { status: "locked", reason: "lunch", replaces: "daily loss" },
      "LOCKED",
    ],
    [
      "trailing lock is stronger: already locked",
      { state: "LOCKED", lockKind: "trailing", lockReason: "floor" },
      { status: "already locked", reason: "floor" },
      "LOCKED",
    ],
    [
      "liquidating stays liquidating, now manual",
      { state: "LIQUIDATE_ONLY", lockKind: "daily" },
      { status: "locked", reason: "lunch", replaces: "daily" },
      "LIQUIDATE_ONLY",
    ],
  ] as const)("lock %s", async (_, record, outcome, state) => {
    const t = setup(record);
    expect(await t.keeper.lock("F1", "lunch")).toEqual({ target: "F1", ...outcome });
    expect(t.f.record.state).toBe(state);
    // Already locked: nothing shown, alerted or saved again.
    if (outcome.status === "already locked") expect(t.calls).toEqual([]);
  });

  it("a lock the disk refused says so in its outcome", async () => {
    const t = setup({ state: "ACTIVE" }, false);
    expect(await t.keeper.lock("F1", "lunch")).toEqual({
      target: "F1",
      status: "locked",
      reason: "lunch",
      saved: false,
    });
  });

  it.each([
    ["ACTIVE: nothing to do", { state: "ACTIVE" }, false, { status: "already active" }, []],
    [
      "a manual lock",
      { state: "LOCKED", lockKind: "manual" },
      false,
      { status: "unlocked" },
      ["unlocked", "show ACTIVE", "unlocked F1", "save ACTIVE", "revalue"],
    ],
    [
      "still liquidating: refused unless forced",
      { state: "LIQUIDATE_ONLY", lockKind: "daily" },
      false,
      { status: "refused" },
      [],
    ],
    [
      "still liquidating, forced: the flatten stops, and the copier is told (it owes the exits left to it)",
      { state: "LIQUIDATE_ONLY", lockKind: "daily" },
      true,
      { status: "unlocked" },
      ["unlocked", "show ACTIVE", "flatten stopped F1", "save ACTIVE", "revalue"],
    ],
    [
      "past the daily loss, forced: daily limits waived",
      { state: "LOCKED", lockKind: "daily", startOfDayBalance: 60_000 },
      true,
      { status: "unlocked" },
      ["unlocked, daily limits waived", "show ACTIVE", "unlocked F1", "save ACTIVE", "revalue"],
    ],
  ] as const)("unlock, %s", async (_, record, force, outcome, steps) => {
    const t = setup(record);
    t.f.limits = { dailyLoss: 1000 };
    t.f.updateEffectiveLimits("2026-01-12"); // as the risk engine does with each config
    expect(await t.keeper.unlock("F1", force)).toMatchObject({ target: "F1", ...outcome });
    expect(t.calls.filter((c) => !c.includes(":"))).toEqual(steps);
  });

  it("a position report locks a follower being flattened once it is flat, not before its first attempt", async () => {
    const t = setup({ state: "LIQUIDATE_ONLY", lockKind: "daily" }, true, false);
    const p = t.f.holdings.positions.get("1")!;
    p.netPos = 0;
    t.keeper.positionsChanged(t.f);
    expect(t.f.record.state).toBe("LIQUIDATE_ONLY");
    p.netPos = 1;
    expect(await t.keeper.breach(t.f, "daily", "daily loss")).toMatchObject({ status: "liquidating" });
    t.keeper.positionsChanged(t.f);
    expect(t.f.record.state).toBe("LIQUIDATE_ONLY");
    p.netPos = 0;
    t.keeper.positionsChanged(t.f);
    expect(t.f.record.state).toBe("LOCKED");
    expect(t.clock.pending()).toBe(0);
  });
});
