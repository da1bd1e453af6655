import { afterEach, describe, expect, it, vi } from "vitest";
import { RiskEngine } from "../../engine/risk/riskEngine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { ActedOnRecord, FollowerRiskRecord } from "../../engine/types.js";
import { eventually, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * A breach's lock is saved with the closes its flatten is about to send, so a kill -9 before their
 * answer still knows their fills for mimik's. When that save took longer than 2 s the close went
 * under a write of its own, and the entry the lock carried was never answered: a trade by hand in
 * the same contract within ~35 s of it was read, at the next snapshot, as the flatten's close (so
 * the trader's own contract was never said to be traded by hand). Judged on the simulator's fills.
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

class SlowLockStore extends MemoryRiskStore {
  slowed = false;
  override async saveFollower(follower: string, record: FollowerRiskRecord): Promise<void> {
    const breach = record.state === "LIQUIDATE_ONLY" && (record.flattenOrders ?? []).length > 0;
    if (breach && !this.slowed) {
      this.slowed = true;
      await new Promise((r) => setTimeout(r, 2_600));
    }
    await super.saveFollower(follower, record);
  }
}

const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const d of done.splice(0).reverse()) await d();
});

async function start(sim: Simulator, ledger: SetLedger, riskStore: MemoryRiskStore): Promise<TwoLogins> {
  const r = await startTwoLogins(undefined, undefined, { sim, ledger, riskStore });
  done.push(() => r.close());
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  return r;
}

describe("a flatten whose lock took longer than 2 s to save (against the simulator)", () => {
  it("a trade by hand in its contract right after it is the trader's, the close still mimik's", async () => {
    const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    done.push(() => sim.close());
    const ledger = new SetLedger();
    const store = new SlowLockStore();
    const first = await start(sim, ledger, store);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(
      () => first.engine.copier.followerPosition("APEX3001", "ESZ6") === -2,
      "APEX3001 short 2",
    );
    await new Promise((r) => setTimeout(r, 300));
    await first.engine.flattenAndLock({ follower: "APEX3001" });
    await eventually(() => store.read().followers.APEX3001?.state === "LOCKED", "APEX3001 locked, flat");
    expect(store.slowed).toBe(true);
    await first.close();
    // mimik is away; the trader buys 1 ESZ6 on the locked account by hand, seconds after the close.
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    const fills = sim.control.records().fills.filter((f) => f.accountName === "APEX3001");
    const [theClose, byHand] = fills.slice(-2);
    expect(theClose).toMatchObject({ action: "Buy", qty: 2, symbol: "ESZ6" });
    expect(byHand).toMatchObject({ action: "Buy", qty: 1, symbol: "ESZ6" });
    expect(position(sim, "APEX3001", "ESZ6")).toBe(1);

    // The restart's snapshot asks of each fill whose order is not mimik's.
    const asked = vi.spyOn(RiskEngine.prototype, "flattenFill");
    await start(sim, ledger, store);
    await eventually(
      () => asked.mock.calls.filter(([follower]) => follower === "APEX3001").length >= 2,
      "the snapshot's fills asked",
    );
    const answers = asked.mock.calls.flatMap(([follower, fill], i) =>
      follower === "APEX3001" ? [{ orderId: fill.orderId, mimiks: asked.mock.results[i]?.value }] : [],
    );
    expect(answers).toEqual([
      { orderId: theClose?.orderId, mimiks: true },
      { orderId: byHand?.orderId, mimiks: false },
    ]);
  }, 30_000);

  it("killed before the close's answer: the restart's snapshot names the close by its fill's order, and a trade by hand just after is the trader's", async () => {
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
    sim.control.delaySocket("prop", 3000);
    void first.engine.flattenAndLock({ follower: "APEX3001" });
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "the close done at the broker");
    store.killed = true;
    await first.close();
    sim.control.delaySocket("prop", 0);
    expect(store.read().followers.APEX3001?.flattenOrders).toEqual([
      { contract: "ESZ6", sentAt: expect.any(Number) },
    ]);
    // Seconds after the close, while mimik is down, the trader buys 1 ESZ6 by hand.
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    const [theClose, byHand] = sim.control
      .records()
      .fills.filter((f) => f.accountName === "APEX3001")
      .slice(-2);
    expect(theClose).toMatchObject({ action: "Buy", qty: 2, symbol: "ESZ6" });
    expect(byHand).toMatchObject({ action: "Buy", qty: 1, symbol: "ESZ6" });

    const asked = vi.spyOn(RiskEngine.prototype, "flattenFill");
    store.killed = false;
    await start(sim, ledger, store);
    await eventually(
      () => asked.mock.calls.filter(([follower]) => follower === "APEX3001").length >= 2,
      "the snapshot's fills asked",
    );
    const answers = asked.mock.calls.flatMap(([follower, fill], i) =>
      follower === "APEX3001" ? [{ orderId: fill.orderId, mimiks: asked.mock.results[i]?.value }] : [],
    );
    expect(answers.slice(0, 2)).toEqual([
      { orderId: theClose?.orderId, mimiks: true },
      { orderId: byHand?.orderId, mimiks: false },
    ]);
    // Saved by its order: a later snapshot (a reconnect, another restart) reads it the same way.
    await eventually(
      () => store.read().followers.APEX3001?.flattenOrders?.some((o) => o.orderId === theClose?.orderId),
      "the close saved by its order",
    );
    // The trader's contract is flattened with the rest: the account is still being liquidated.
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "the trade by hand flattened too");
  }, 30_000);
});
