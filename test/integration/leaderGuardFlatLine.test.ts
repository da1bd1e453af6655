import { afterEach, describe, expect, it } from "vitest";
import { SETTLE_MS } from "../../engine/copier/leaderGuard.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { startSimulator } from "../../engine/sim/index.js";
import type { EngineEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A re-sync whose snapshot leaves out a line the leader traded flat earlier (Tradovate may drop a
 * flat position; the simulator's leaveOutFlatPositions does). mimik counted that line's volume from
 * 0, the broker's bought + sold from the day's first trade: every report ran ahead of the count, the
 * guard kept them all, and once the count reached the oldest it was judged a report holding a fill
 * never seen. Before the count was set from the line's first report, DEMO1000's fifth Buy 1 after
 * the re-sync raised "the broker says +1, mimik had +4" and was stepped from +1 to +2 beside +5 at
 * the broker (DEMO2001, x0.5, left at 2 where T(5) is 3), and its Sell 5 raised a second alarm.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const guardAlerts = (events: EngineEvent[]) =>
  events.filter((e) => e.type === "alert" && e.message.startsWith("leader DEMO1000 ESZ6: the broker says"));
const FOLLOWERS = [
  ["DEMO2001", "ESZ6"],
  ["DEMO2002", "MESZ6"],
  ["DEMO2003", "ESZ6"],
] as const;
const allFlat = (r: Rig) => FOLLOWERS.every(([a, c]) => position(r.sim, a, c) === 0);

/** Five Buy 1 a moment apart, each copied to DEMO2003 (x1), then the leader's Sell 5 to flat. */
async function fiveInAndOut(r: Rig): Promise<void> {
  const { sim, engine } = r;
  for (let n = 1; n <= 5; n++) {
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === n, `DEMO2003 long ${n}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  // x0.5: T(5) = 3 (2.5 rounds away from zero).
  await eventually(() => position(sim, "DEMO2001", "ESZ6") === 3, "DEMO2001 long 3");
  sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 5);
  await eventually(() => engine.copier.leaderPosition("DEMO1000", "ESZ6") !== 5, "the Sell 5 seen");
  await new Promise((res) => setTimeout(res, 1_000));
  for (const [account, contract] of FOLLOWERS) expect(position(sim, account, contract), account).toBe(0);
  expect(engine.copier.leaderPosition("DEMO1000", "ESZ6")).toBe(0);
}

describe("a restart mid-day, the leader's line traded flat before it (listed, with its bought and sold)", () => {
  it("raises no alarm on the trades after it", async () => {
    const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    const ledger = new SetLedger();
    const riskStore = new MemoryRiskStore();
    const accounts = ["DEMO1000", ...FOLLOWERS.map(([a]) => a)];
    try {
      const first = await startRig(simConfig(), { reuse: sim, ledger, riskStore });
      await eventually(() => accounts.every((a) => first.engine.directory.connected(a)), "synced");
      sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
      await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
      sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
      await eventually(() => allFlat(first), "the followers flat");
      await first.close();

      rig = await startRig(simConfig(), { reuse: sim, ledger, riskStore });
      await eventually(() => accounts.every((a) => rig!.engine.directory.connected(a)), "synced again");
      await fiveInAndOut(rig);
      await new Promise((res) => setTimeout(res, SETTLE_MS));
      expect(guardAlerts(rig.events)).toEqual([]);
    } finally {
      await rig?.close();
      rig = undefined;
      await sim.close();
    }
  }, 40_000);
});

describe("a re-sync whose snapshot leaves out a line the leader traded flat", () => {
  it("raises no alarm on the trades after it, and the leader's exit is copied as one", async () => {
    rig = await startRig(simConfig());
    const { sim, events, engine } = rig;
    const accounts = ["DEMO1000", ...FOLLOWERS.map(([a]) => a)];
    await eventually(() => accounts.every((a) => engine.directory.connected(a)), "synced");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => allFlat(rig!), "the followers flat");

    const connected = () =>
      events.filter((e) => e.type === "connectionStatus" && e.connection === "sim" && e.state === "connected")
        .length;
    const before = connected();
    sim.control.leaveOutFlatPositions(true);
    sim.control.dropSockets({ user: "demo" });
    await eventually(() => connected() > before, "the login back, its snapshot without ESZ6");

    await fiveInAndOut(rig);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    expect(guardAlerts(events).map((e) => (e as { message: string }).message)).toEqual([]);
  }, 40_000);
});
