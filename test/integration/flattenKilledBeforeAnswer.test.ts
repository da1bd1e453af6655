import { afterEach, describe, expect, it, vi } from "vitest";
import { RiskEngine } from "../../engine/risk/riskEngine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { ActedOnRecord, EngineEvent, FollowerRiskRecord } from "../../engine/types.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * mimik killed (-9) while a flatten's liquidation is at the broker and its answer on its way: the
 * close is done, its order id never heard. Its order carries no clOrdId of ours (liquidateposition
 * takes none), so the restart's snapshot read its fill as a trade by hand (HandTrades): what the
 * flatten saved was only what came before the close. The close is now on disk before it goes.
 * Judged on the simulator's book and the record a restart reads.
 */
class KillableStore extends MemoryRiskStore {
  killed = false;
  override async saveFollower(follower: string, record: FollowerRiskRecord): Promise<void> {
    if (!this.killed) await super.saveFollower(follower, record);
  }
  override async saveActedOn(records: Record<string, ActedOnRecord | undefined>): Promise<void> {
    if (!this.killed) await super.saveActedOn(records);
  }
}

const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const d of done.splice(0).reverse()) await d();
});

async function start(sim: Simulator, ledger: SetLedger, riskStore: KillableStore): Promise<TwoLogins> {
  const r = await startTwoLogins(undefined, undefined, { sim, ledger, riskStore });
  done.push(() => r.close());
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  return r;
}

const alerts = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === "alert" && e.follower === "APEX3001" ? [e.message] : []));

describe("a flatten killed between the broker taking its close and the answer (against the simulator)", () => {
  it("its close's fill is mimik's after the restart, not a trade by hand", async () => {
    const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    done.push(() => sim.close());
    const ledger = new SetLedger();
    const store = new KillableStore();
    const first = await start(sim, ledger, store);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(
      () => first.engine.copier.followerPosition("APEX3001", "ESZ6") === -2,
      "APEX3001 short 2",
    );
    await new Promise((r) => setTimeout(r, 300));
    // The prop login's frames are held: the broker takes the close, its answer is on its way.
    sim.control.delaySocket("prop", 3000);
    const sentFrom = Date.now();
    void first.engine.flattenAndLock({ follower: "APEX3001" });
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "the close done at the broker");
    // The kill: nothing more reaches the disk, and the process is gone.
    store.killed = true;
    await first.close();
    sim.control.delaySocket("prop", 0);
    const onDisk = store.read().followers.APEX3001;
    expect(onDisk?.state).toBe("LIQUIDATE_ONLY");
    expect(onDisk?.flattenOrders).toHaveLength(1);
    // Its answer never came: the close is known by its contract and when it went.
    expect(onDisk?.flattenOrders?.[0]?.contract).toBe("ESZ6");
    expect(onDisk?.flattenOrders?.[0]?.answeredAt).toBeUndefined();
    expect(onDisk?.flattenOrders?.[0]?.sentAt).toBeGreaterThanOrEqual(sentFrom);

    // What the restart's snapshot asks of each fill whose order is not mimik's.
    const asked = vi.spyOn(RiskEngine.prototype, "flattenFill");
    store.killed = false;
    const second = await start(sim, ledger, store);
    await eventually(() => store.read().followers.APEX3001?.state === "LOCKED", "APEX3001 locked, flat");
    const theClose = sim.control
      .records()
      .fills.filter((f) => f.accountName === "APEX3001")
      .at(-1);
    expect(theClose).toMatchObject({ action: "Buy", qty: 2, symbol: "ESZ6" });
    const calls = asked.mock.calls.map(([follower, fill], i) => ({
      follower,
      orderId: fill.orderId,
      mimiks: asked.mock.results[i]?.value,
    }));
    expect(calls.filter((c) => c.follower === "APEX3001")).toEqual([
      { follower: "APEX3001", orderId: theClose?.orderId, mimiks: true },
    ]);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([-2, 0]);
    expect(position(sim, "APEX3001", "ESZ6")).toBe(0);
    expect(alerts(second.events).filter((m) => m.includes("by hand"))).toEqual([]);
  }, 30_000);
});
