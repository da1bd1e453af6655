import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Limits } from "../../data/schema.js";
import { REFUSALS, succeeded } from "../../engine/outcome.js";
import { alertsOf, configWith, ES, flush, NQ, rig, statesOf } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z");

async function setup(followers = ["F1", "F2", "F3"], limits: Limits = { dailyLoss: 1000 }) {
  const r = rig(MON_NOON);
  r.session.addAccount(1, "LEAD", 100_000);
  r.session.prices.set(ES.id, 5000);
  r.session.prices.set(NQ.id, 18_000);
  // the leader holds the same contract: nothing the risk engine does may ever touch it
  r.session.positionsBy
    .get(1)
    ?.set(ES.id, { accountId: 1, contractId: ES.id, contract: ES.name, netPos: 5, netPrice: 5000 });
  followers.forEach((name, i) => {
    const id = 11 + i;
    r.session.addAccount(id, name, 50_000);
    r.session.positionsBy
      .get(id)
      ?.set(ES.id, { accountId: id, contractId: ES.id, contract: ES.name, netPos: i + 1, netPrice: 5000 });
  });
  r.setConfig(configWith(followers.map((account) => ({ account, limits }))));
  await r.engine.start();
  r.session.setBalance(1, 100_000);
  followers.forEach((_, i) => {
    r.session.setBalance(11 + i, 50_000);
  });
  await flush();
  return r;
}

describe("breach path", () => {
  it("persists state, reason, time and high-water mark BEFORE the first cancel or liquidation", async () => {
    const r = await setup(["F1"]);
    r.session.orders.set(11, [{ orderId: 501, accountId: 11, contractId: ES.id }]);
    let release: () => void = () => {};
    r.store.gate = new Promise<void>((res) => {
      release = res;
    });
    r.log.length = 0;
    r.session.quote(ES, 4980); // F1 long 1: −1000
    await flush();
    // the save is still pending: nothing may have been sent
    expect(r.log).toEqual(["save-start F1 LIQUIDATE_ONLY"]);
    release();
    r.store.gate = undefined;
    await flush();
    const saved = r.log.indexOf("saved F1 LIQUIDATE_ONLY");
    const firstSend = r.log.findIndex((l) => l.startsWith("cancel") || l.startsWith("liquidate"));
    expect(saved).toBeGreaterThanOrEqual(0);
    expect(firstSend).toBeGreaterThan(saved);
    expect(r.log).toContain("cancel F1 501");
    const record = r.store.saves.find((s) => s.record.state === "LIQUIDATE_ONLY")?.record;
    expect(record).toMatchObject({ lockKind: "daily", lockedAt: MON_NOON, highWaterMark: 50_000 });
    expect(record?.lockReason).toMatch(/daily loss limit/);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(r.store.state.followers.F1?.state).toBe("LOCKED");
  });

  it.each([
    ["a config edit lowers the limit below the loss", "config"],
    ["a login's sync snapshot shows the loss", "sync"],
  ] as const)("is on disk before the first order also when %s", async (_what, how) => {
    const r = await setup(["F1"], how === "config" ? {} : { dailyLoss: 500 });
    let release: () => void = () => {};
    r.store.gate = new Promise<void>((res) => {
      release = res;
    });
    r.log.length = 0;
    if (how === "config") {
      r.session.quote(ES, 4980); // F1 long 1: −1000, with no limit yet
      r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 500 } }]));
    } else {
      // Reconnected: the snapshot says F1 bought its 1 at 5020 (−1000 at 5000).
      const position = { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5020 };
      r.session.positionsBy.get(11)?.set(ES.id, position);
      r.session.emit({
        type: "sync",
        connection: r.session.connection,
        initial: false,
        accounts: r.session.listAccounts,
        positions: [position],
        fillIds: [],
      });
    }
    await flush();
    // The save is still pending: nothing may have been sent.
    expect(r.log).toEqual(["save-start F1 LIQUIDATE_ONLY"]);
    release();
    r.store.gate = undefined;
    await flush();
    const saved = r.log.indexOf("saved F1 LIQUIDATE_ONLY");
    expect(saved).toBeGreaterThanOrEqual(0);
    expect(r.log.findIndex((l) => l.startsWith("liquidate"))).toBeGreaterThan(saved);
    expect(r.log.filter((l) => l.startsWith("liquidate"))).toHaveLength(1);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
  });

  it("still flattens when the state cannot be saved, and says so", async () => {
    const r = await setup(["F1"]);
    r.store.fail = true;
    r.session.quote(ES, 4980);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(alertsOf(r.events, "F1").some((m) => m.includes("could not save risk state"))).toBe(true);
  });

  it("retries a failed liquidation with exponential backoff (1 s, 2 s, 4 s …), alerting each time, until flat", async () => {
    const r = await setup(["F1"]);
    r.liquidator.failNext = 3;
    r.liquidator.throwNext = 1;
    r.session.quote(ES, 4980);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
    await r.clock.advance(60_000);
    const times = r.log
      .filter((l) => l.startsWith("liquidate F1"))
      .map((l) => Number(l.split("@")[1]) - MON_NOON);
    expect(times).toEqual([0, 1000, 3000, 7000, 15_000]);
    const failures = alertsOf(r.events, "F1").filter((m) => m.includes("flatten failed"));
    expect(failures).toHaveLength(4);
    expect(failures[0]).toMatch(/socket closed\); retry 2 in 1 s/);
    expect(failures[1]).toMatch(/RiskRejected \(try later\)\); retry 3 in 2 s/);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(r.clock.pending()).toBe(1); // only the roll timer is left
  });

  it("a new breach after a flatten stopped by a forced unlock starts its backoff again at 1 s", async () => {
    const r = await setup(["F1"], { trailingDrawdown: 2000 });
    r.liquidator.failNext = 6;
    r.session.quote(ES, 4960); // F1 long 1: −2000, at its trailing floor
    await r.clock.advance(40_000); // attempts at 0, 1, 3, 7, 15, 31 s: all refused
    expect(r.engine.snapshot("F1")?.flattenAttempts).toBe(6);
    expect((await r.engine.unlock("F1", { force: true })).status).toBe("unlocked");
    r.session.quote(ES, 5000); // back to 50 000: the mark restarted at 48 000 stays
    await r.clock.advance(60_000);

    r.log.length = 0;
    const before = r.clock.now();
    r.liquidator.failNext = 1;
    r.session.quote(ES, 4940); // −3000 from 50 000: past the floor again
    await r.clock.advance(5_000);
    const times = r.log
      .filter((l) => l.startsWith("liquidate F1"))
      .map((l) => Number(l.split("@")[1]) - before);
    expect(times).toEqual([0, 1000]);
    expect(alertsOf(r.events, "F1").at(-2)).toMatch(/retry 2 in 1 s/);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
  });

  it("never retries faster than the broker's penalty wait", async () => {
    const r = await setup(["F1"]);
    r.liquidator.failNext = 1;
    r.session.budget = {
      left: 10,
      limit: 5000,
      windowMs: 3_600_000,
      refused: 0,
      blockedUntil: MON_NOON + 20_000,
    };
    r.session.quote(ES, 4980);
    await r.clock.advance(19_999);
    expect(r.log.filter((l) => l.startsWith("liquidate F1"))).toHaveLength(1);
    await r.clock.advance(1);
    expect(r.log.filter((l) => l.startsWith("liquidate F1"))).toHaveLength(2);
  });

  it("waits for the broker to report flat before LOCKED; resends if it never does", async () => {
    const r = await setup(["F1"]);
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 4980);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
    await r.clock.advance(1000);
    expect(r.log.filter((l) => l.startsWith("liquidate F1"))).toHaveLength(2);
    r.session.closeAtMarket(11, ES.id);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advance(60_000);
    expect(r.log.filter((l) => l.startsWith("liquidate F1"))).toHaveLength(2);
  });
});

describe("manual flatten-and-lock", () => {
  it("flattens several followers concurrently with reason manual; others and the leader untouched", async () => {
    const r = await setup(["F1", "F2", "F3", "F4"], {});
    r.session.setPosition(13, ES, 0, undefined); // F3 flat but with a working order
    r.session.orders.set(13, [{ orderId: 777, accountId: 13, contractId: ES.id }]);
    r.session.setPosition(12, NQ, -1, 18_000); // F2 holds two contracts
    r.log.length = 0;
    const results = await r.engine.flattenAndLock(["F1", "F2", "F3", "LEAD", "NOPE"]);
    await flush();
    expect(results.map((x) => [x.target, succeeded(x)])).toEqual([
      ["F1", true],
      ["F2", true],
      ["F3", true],
      ["LEAD", false],
      ["NOPE", false],
    ]);
    expect(results[3]).toMatchObject({ status: "refused", reason: REFUSALS.leader });
    expect(results[4]).toMatchObject({ status: "refused", reason: REFUSALS.notFollower });
    for (const name of ["F1", "F2", "F3"]) {
      expect(r.engine.gate(name).state).toBe("LOCKED");
      expect(r.engine.snapshot(name)).toMatchObject({ lockKind: "manual", lockReason: "manual" });
      expect(statesOf(r.events, name)).toEqual(["LIQUIDATE_ONLY: manual", "LOCKED: manual"]);
    }
    expect(r.log.filter((l) => !l.startsWith("save")).sort()).toEqual(
      [
        `liquidate F1 ${ES.id} @${MON_NOON}`,
        `liquidate F2 ${ES.id} @${MON_NOON}`,
        `liquidate F2 ${NQ.id} @${MON_NOON}`,
        "cancel F3 777",
      ].sort(),
    );
    expect(r.engine.gate("F4").state).toBe("ACTIVE");
    expect(r.session.positions(1)[0]?.netPos).toBe(5);
  });

  it("knows each configured follower with its group; a name that left the config is no target", async () => {
    const r = rig(MON_NOON);
    r.setConfig(
      configWith([
        { account: "A1", group: "alpha" },
        { account: "A2", group: "alpha" },
        { account: "B1", group: "beta" },
      ]),
    );
    expect(["A1", "A2", "B1"].map((n) => r.engine.snapshot(n)?.group)).toEqual(["alpha", "alpha", "beta"]);
    r.setConfig(configWith([{ account: "A1", group: "alpha" }]));
    expect(r.engine.snapshot("B1")).toMatchObject({ configured: false, group: undefined });
    expect(await r.engine.lock("B1")).toMatchObject({ status: "refused", reason: REFUSALS.notFollower });
  });

  it("lock stops openings without flattening; it is kept across calls", async () => {
    const r = await setup(["F1"], {});
    const res = await r.engine.lock("F1", "lunch");
    expect(res).toEqual({ target: "F1", status: "locked", reason: "lunch" });
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(r.log.filter((l) => l.startsWith("liquidate"))).toEqual([]);
    expect(r.store.state.followers.F1).toMatchObject({
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "lunch",
    });
    expect(await r.engine.lock("LEAD", "x")).toMatchObject({ status: "refused", reason: REFUSALS.leader });
  });
});

describe("a lock is never lost on a full disk", () => {
  const shown = (r: Awaited<ReturnType<typeof setup>>) =>
    r.events.flatMap((e) =>
      e.type === "followerState" && e.follower === "F1" ? [[e.state, e.reason, e.unsaved]] : [],
    );

  it("lock: saved false, said loudly, kept in memory, retried until on disk, then said again", async () => {
    const r = await setup(["F1"], {});
    r.store.fail = true;
    const outcome = await r.engine.lock("F1", "lunch");
    expect(outcome).toEqual({ target: "F1", status: "locked", reason: "lunch", saved: false });
    expect(succeeded(outcome)).toBe(false);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(r.engine.snapshot("F1")?.unsaved).toBe(true);
    expect(shown(r)).toEqual([
      ["LOCKED", "lunch", undefined],
      ["LOCKED", "lunch", true],
    ]);
    expect(r.events).toContainEqual(
      expect.objectContaining({ type: "alert", level: "error", follower: "F1", group: "g1" }),
    );
    await r.clock.advance(20_000);
    expect(r.store.state.followers.F1?.state).not.toBe("LOCKED");
    r.store.fail = false;
    await r.clock.advance(30_000);
    expect(r.store.state.followers.F1).toMatchObject({
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "lunch",
    });
    expect(shown(r).at(-1)).toEqual(["LOCKED", "lunch", undefined]);
    expect(r.engine.snapshot("F1")?.unsaved).toBe(false);
    expect(alertsOf(r.events, "F1").at(-1)).toMatch(/risk state saved; it is on disk again/);
    expect(r.clock.pending()).toBe(1); // only the roll timer is left

    const again = r.restart();
    r.setConfig(configWith([{ account: "F1" }]));
    await again.start();
    expect(again.gate("F1").state).toBe("LOCKED");
  });

  it("breach: the flatten still goes, its outcome says the lock is not on disk, the retry puts it there", async () => {
    const r = await setup(["F1"]);
    r.store.fail = true;
    const [outcome] = await r.engine.flattenAndLock(["F1"]);
    expect(outcome).toMatchObject({ target: "F1", status: "locked", saved: false });
    expect(r.log.some((l) => l.startsWith("liquidate F1"))).toBe(true);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    r.store.fail = false;
    await r.clock.advance(5_000);
    expect(r.store.state.followers.F1).toMatchObject({ state: "LOCKED", lockKind: "manual" });
    expect(r.engine.snapshot("F1")?.unsaved).toBe(false);
  });

  it("unlock: saved false too, and the unlock reaches the disk once it can", async () => {
    const r = await setup(["F1"], {});
    await r.engine.lock("F1", "lunch");
    r.store.fail = true;
    expect(await r.engine.unlock("F1")).toMatchObject({ status: "unlocked", saved: false });
    expect(shown(r).at(-1)).toEqual(["ACTIVE", undefined, true]);
    r.store.fail = false;
    await r.clock.advance(5_000);
    expect(r.store.state.followers.F1?.state).toBe("ACTIVE");
    expect(shown(r).at(-1)).toEqual(["ACTIVE", undefined, undefined]);
  });
});

describe("leaders are never targeted", () => {
  it("a leader's own losses never trigger anything, and a config that lists it as a follower too is ignored", async () => {
    const r = await setup(["F1"]);
    const config = configWith([{ account: "F1", limits: { dailyLoss: 1 } }]);
    config.groups[0]?.followers.push({ ...config.groups[0].followers[0]!, account: "LEAD" });
    r.setConfig(config);
    r.session.setBalance(1, 10);
    r.session.quote(ES, 4000);
    await r.clock.advance(5_000);
    expect(r.log.some((l) => / LEAD /.test(l))).toBe(false);
    expect(r.engine.snapshot("LEAD")).toBeUndefined();
    expect(r.engine.snapshot("F1")?.configured).toBe(true);
  });

  it("a follower that becomes a leader in a new config stops being flattened", async () => {
    const r = await setup(["F1"]);
    r.liquidator.failNext = 100;
    r.session.quote(ES, 4980);
    await flush();
    const sent = r.log.filter((l) => l.startsWith("liquidate F1")).length;
    r.setConfig(configWith([], "F1"));
    await r.clock.advance(120_000);
    expect(r.log.filter((l) => l.startsWith("liquidate F1")).length).toBe(sent);
  });

  it("random event sequences never send anything for the leader", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant("quote" as const), price: fc.integer({ min: 4800, max: 5200 }) }),
            fc.record({
              kind: fc.constant("balance" as const),
              who: fc.integer({ min: 0, max: 3 }),
              amount: fc.integer({ min: 0, max: 60_000 }),
            }),
            fc.record({
              kind: fc.constant("position" as const),
              who: fc.integer({ min: 0, max: 3 }),
              netPos: fc.integer({ min: -3, max: 3 }),
            }),
            fc.record({
              kind: fc.constant("flatten" as const),
              names: fc.subarray(["LEAD", "F1", "F2", "F3", "lead"]),
            }),
            fc.record({
              kind: fc.constant("unlock" as const),
              who: fc.integer({ min: 0, max: 3 }),
              force: fc.boolean(),
            }),
            fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
          ),
          { maxLength: 25 },
        ),
        async (steps) => {
          const r = await setup(["F1", "F2", "F3"], { dailyLoss: 300, trailingDrawdown: 500 });
          // a hand-broken config that also lists the leader as a follower must not change that
          const config = configWith(
            ["F1", "F2", "F3"].map((account) => ({ account, limits: { dailyLoss: 300 } })),
          );
          config.groups[0]?.followers.push({ ...config.groups[0].followers[0]!, account: "LEAD" });
          r.setConfig(config);
          r.liquidator.failNext = 2;
          const ids = [1, 11, 12, 13];
          const names = ["LEAD", "F1", "F2", "F3"];
          for (const s of steps) {
            if (s.kind === "quote") r.session.quote(ES, s.price);
            else if (s.kind === "balance") r.session.setBalance(ids[s.who]!, s.amount);
            else if (s.kind === "position") r.session.setPosition(ids[s.who]!, ES, s.netPos, 5000);
            else if (s.kind === "flatten") await r.engine.flattenAndLock(s.names);
            else if (s.kind === "unlock") await r.engine.unlock(names[s.who]!, { force: s.force });
            else await r.clock.advance(s.ms);
          }
          await r.clock.advance(60_000);
          expect(r.log.filter((l) => /^(cancel|liquidate) LEAD/i.test(l))).toEqual([]);
          expect(r.engine.gate("LEAD").state).toBe("ACTIVE");
          await r.engine.stop();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("Tradovate's own risk state", () => {
  it("a broker-side lock shows as 'broker lock' and is reported by the gate until it clears", async () => {
    const r = await setup(["F1"], {});
    r.session.emit({
      type: "riskStatus",
      connection: "conn",
      accountId: 11,
      adminAction: "LockTradingImmediately",
      liquidateOnly: false,
      locked: true,
    });
    expect(r.engine.gate("F1")).toMatchObject({ state: "ACTIVE", brokerLocked: true });
    expect(r.engine.snapshot("F1")).toMatchObject({
      brokerLocked: true,
      brokerAdminAction: "LockTradingImmediately",
    });
    r.session.emit({
      type: "riskStatus",
      connection: "conn",
      accountId: 11,
      adminAction: "Normal",
      liquidateOnly: false,
      locked: false,
    });
    r.session.emit({
      type: "riskStatus",
      connection: "conn",
      accountId: 11,
      adminAction: "LiquidateOnlyModeImmediately",
      liquidateOnly: true,
      locked: false,
    });
    expect(r.engine.gate("F1").brokerLocked).toBe(true);
    expect(statesOf(r.events, "F1")).toEqual([
      "LOCKED: broker lock",
      "ACTIVE",
      "LIQUIDATE_ONLY: broker lock",
    ]);
    expect(alertsOf(r.events, "F1")[0]).toMatch(/Tradovate risk status locked \(LockTradingImmediately\)/);
  });

  it("malformed events are skipped, never thrown", async () => {
    const r = await setup(["F1"], {});
    const bad = {
      type: "position",
      connection: "conn",
      position: { accountId: 11, contractId: ES.id, contract: ES.name, netPos: Number.NaN, netPrice: 1 },
    } as const;
    expect(() => r.session.emit(bad)).not.toThrow();
    expect(() =>
      r.session.emit({
        type: "balance",
        connection: "conn",
        accountId: 11,
        amount: Number.NaN,
        realizedPnL: 0,
      }),
    ).not.toThrow();
    expect(r.engine.snapshot("F1")?.netLiq).toBe(50_000);
  });
});
