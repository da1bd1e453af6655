import { afterEach, describe, expect, it } from "vitest";
import { SETTLE_MS } from "../../engine/copier/leaderGuard.js";
import { SetLedger } from "../../engine/runtime/memoryStores.js";
import type { AlertEvent, EngineEvent, SyncStatusEvent } from "../../engine/types.js";
import { describeEvent } from "../../src/headless/format.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  position,
  type Rig,
  simConfig,
  startRig,
} from "../support/rig.js";

/**
 * A leader fill mimik never acted on. The ledger of leader fills acted on (seeded from the journal
 * at a start) answers "already acted on" for the next fill of the simulator's connection once
 * armed: as when a restarted simulator gave a fill id again and its Buy 2 was taken for one
 * copied. Before the guard, the leader's Sell 2 was then copied as "position 0 -> -2": every
 * follower short beside a flat DEMO1000.
 */
class SlipLedger extends SetLedger {
  armed = false;
  constructor(private readonly connection = "sim") {
    super();
  }
  override has(key: string): boolean {
    if (this.armed && key.startsWith(`${this.connection}:`) && !super.has(key)) {
      this.armed = false;
      super.add(key);
      return true;
    }
    return super.has(key);
  }
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FOLLOWERS = [
  ["DEMO2001", "ESZ6"],
  ["DEMO2002", "MESZ6"],
  ["DEMO2003", "ESZ6"],
] as const;

const synced = (r: Rig) =>
  ["DEMO1000", ...FOLLOWERS.map(([a]) => a)].every((a) => r.engine.directory.connected(a));
const guardAlerts = (events: EngineEvent[]) =>
  events.filter(
    (e): e is AlertEvent =>
      e.type === "alert" && e.message.startsWith("leader DEMO1000 ESZ6: the broker says"),
  );
const leaderFills = (events: EngineEvent[]) => events.filter((e) => e.type === "leaderFill");

async function missedBuy(): Promise<{ rig: Rig; ledger: SlipLedger }> {
  const ledger = new SlipLedger();
  const r = await startRig(simConfig(), { ledger });
  await eventually(() => synced(r), "the session to sync");
  ledger.armed = true;
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
  await eventually(() => position(r.sim, "DEMO1000", "ESZ6") === 2, "DEMO1000 long 2 at the broker");
  await eventually(() => !ledger.armed, "the Buy 2 taken for one acted on");
  return { rig: r, ledger };
}

describe("a leader fill mimik never acted on (against the simulator)", () => {
  it("is noticed from the leader's position report: the Sell 2 is an exit, the trader is told, OUT OF SYNC shows", async () => {
    const setup = await missedBuy();
    rig = setup.rig;
    const { sim, events } = rig;
    expect(leaderFills(events)).toEqual([]);
    const alert = await eventually(() => guardAlerts(events)[0], "the guard's alert", SETTLE_MS + 5_000);
    expect(alert.level).toBe("error");
    expect(alert.message).toContain("the broker says +2, mimik had 0");
    expect(alert.message).toContain('group "G"');
    expect(alert.message).toContain("resync them with r");
    expect(rig.engine.copier.leaderPosition("DEMO1000", "ESZ6")).toBe(2);
    const outOfSync = events.filter(
      (e): e is SyncStatusEvent =>
        e.type === "syncStatus" && e.follower === "DEMO2003" && e.contract === "ESZ6",
    );
    expect(outOfSync.at(-1)).toMatchObject({ has: 0, expects: 2, inSync: false });
    expect(describeEvent(outOfSync.at(-1)!)).toBe("SYNC  DEMO2003 ESZ6 OUT OF SYNC: has 0, expects +2");

    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => leaderFills(events).length === 1, "the Sell 2 seen");
    expect(leaderFills(events)[0]).toMatchObject({
      side: "Sell",
      qty: 2,
      positionBefore: 2,
      positionAfter: 0,
    });
    await new Promise((r) => setTimeout(r, 500));
    for (const [account, contract] of FOLLOWERS) expect(position(sim, account, contract), account).toBe(0);
    const orders = sim.control.records().orders;
    expect(orders.filter((o) => o.isAutomated)).toEqual([]);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
    expect(guardAlerts(events)).toHaveLength(1);
  });

  it("with the Sell 2 right behind the missed Buy 2, the followers stay flat too", async () => {
    const ledger = new SlipLedger();
    rig = await startRig(simConfig(), { ledger });
    const { sim, events } = rig;
    await eventually(() => synced(rig!), "the session to sync");
    ledger.armed = true;
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => leaderFills(events).length === 1, "the Sell 2 seen");
    expect(leaderFills(events)[0]).toMatchObject({ positionBefore: 2, positionAfter: 0 });
    await new Promise((r) => setTimeout(r, 500));
    for (const [account, contract] of FOLLOWERS) expect(position(sim, account, contract), account).toBe(0);
    expect(sim.control.records().orders.filter((o) => o.isAutomated)).toEqual([]);
    expect(guardAlerts(events)).toHaveLength(1);
  });

  it("ordinary trading, fills and reports in their usual races, raises no alarm", async () => {
    rig = await startRig(simConfig(), { ledger: new SlipLedger() });
    const { sim, events } = rig;
    await eventually(() => synced(rig!), "the session to sync");
    const steps = [
      ["Buy", 2],
      ["Sell", 1],
      ["Buy", 3],
      ["Sell", 6],
      ["Buy", 2],
    ] as const;
    for (const [side, qty] of steps) sim.control.manualTrade("DEMO1000", "ESZ6", side, qty);
    await eventually(() => leaderFills(events).length === steps.length, "every leader fill seen");
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat with the leader");
    await new Promise((r) => setTimeout(r, SETTLE_MS + 500));
    expect(guardAlerts(events)).toEqual([]);
    expect(rig.engine.copier.leaderPosition("DEMO1000", "ESZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
  });

  it("at a ProjectX leader (no bought/sold in its reports) too, once the report has stood 5 s", async () => {
    const config = crossBrokerConfig(
      { TSX5001: "px", TSX5002: "px", DEMO2001: "sim" },
      { name: "P", leader: "TSX5001", followers: [follower("DEMO2001"), follower("TSX5002")] },
    );
    const ledger = new SlipLedger("px");
    rig = await startRig(config, { ledger });
    const { sim, events } = rig;
    const up = ["TSX5001", "TSX5002", "DEMO2001"];
    await eventually(() => up.every((a) => rig!.engine.directory.connected(a)), "synced");
    ledger.armed = true;
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    await eventually(() => !ledger.armed, "the Buy 2 taken for one acted on");
    const alert = await eventually(
      () =>
        events.find(
          (e): e is AlertEvent => e.type === "alert" && e.message.startsWith("leader TSX5001 ESZ6"),
        ),
      "the guard's alert",
      SETTLE_MS + 5_000,
    );
    expect(alert.message).toContain("the broker says +2, mimik had 0");
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 2);
    await eventually(() => leaderFills(events).length === 1, "the Sell 2 seen");
    expect(leaderFills(events)[0]).toMatchObject({ positionBefore: 2, positionAfter: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(position(sim, "DEMO2001", "ESZ6")).toBe(0);
    expect(position(sim, "TSX5002", "ESZ6")).toBe(0);
    expect(sim.control.records().orders.filter((o) => o.isAutomated)).toEqual([]);
  });

  it("ordinary trading at a ProjectX leader raises no alarm", async () => {
    const config = crossBrokerConfig(
      { TSX5001: "px", TSX5002: "px", DEMO2001: "sim" },
      { name: "P", leader: "TSX5001", followers: [follower("DEMO2001"), follower("TSX5002")] },
    );
    rig = await startRig(config, { ledger: new SlipLedger("px") });
    const { sim, events } = rig;
    const up = ["TSX5001", "TSX5002", "DEMO2001"];
    await eventually(() => up.every((a) => rig!.engine.directory.connected(a)), "synced");
    const steps = [
      ["Buy", 2],
      ["Sell", 1],
      ["Buy", 3],
      ["Sell", 6],
      ["Buy", 2],
    ] as const;
    for (const [side, qty] of steps) sim.control.manualTrade("TSX5001", "ESZ6", side, qty);
    await eventually(() => leaderFills(events).length === steps.length, "every leader fill seen");
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat with the leader");
    await new Promise((r) => setTimeout(r, SETTLE_MS + 500));
    expect(events.filter((e) => e.type === "alert" && e.message.startsWith("leader TSX5001"))).toEqual([]);
    expect(rig.engine.copier.leaderPosition("TSX5001", "ESZ6")).toBe(0);
  });
});
