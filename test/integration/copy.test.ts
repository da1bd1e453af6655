import { afterEach, describe, expect, it } from "vitest";
import { SKIP_REASONS } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const synced = (r: Rig) =>
  ["DEMO1000", "DEMO2001", "DEMO2002", "DEMO2003"].every((a) => r.engine.directory.connected(a));

describe("copying through the simulator (real client, real engine)", () => {
  it("a leader trade produces the expected follower positions at the broker", async () => {
    rig = await startRig(simConfig());
    const { sim } = rig;
    await eventually(() => synced(rig!), "the session to sync");

    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 3);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 3, "DEMO2003 to hold +3 NQZ6");
    await eventually(
      () => position(sim, "DEMO2001", "NQZ6") === 2,
      "DEMO2001 to hold +2 (3 × 0.5 rounds up)",
    );
    await eventually(
      () => position(sim, "DEMO2002", "MNQZ6") === 2,
      "DEMO2002 to hold +2 MNQZ6 (fixed, mapped)",
    );

    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 3);
    for (const [account, contract] of [
      ["DEMO2001", "NQZ6"],
      ["DEMO2002", "MNQZ6"],
      ["DEMO2003", "NQZ6"],
    ] as const) {
      await eventually(() => position(sim, account, contract) === 0, `${account} flat`);
    }
    const orders = sim.control.records().orders;
    expect(orders.filter((o) => o.accountName === "DEMO1000" && o.isAutomated)).toEqual([]);
    expect(orders.filter((o) => o.isAutomated).every((o) => o.clOrdId?.startsWith("mk-"))).toBe(true);
  });

  it("a ×1.25 follower stays on its rule at the broker while the leader scales out and back in", async () => {
    const base = simConfig();
    const followers = base.groups[0]!.followers.map((f) =>
      f.account === "DEMO2003" ? { ...f, sizing: { mode: "multiplier" as const, value: 1.25 } } : f,
    );
    rig = await startRig(simConfig({ followers }));
    const { sim } = rig;
    await eventually(() => synced(rig!), "the session to sync");
    // Leader -2, -1, -2, -1, -2: the rule says -3, -1, -3, -1, -3.
    const steps = [
      ["Sell", 2, -3],
      ["Buy", 1, -1],
      ["Sell", 1, -3],
      ["Buy", 1, -1],
      ["Sell", 1, -3],
    ] as const;
    for (const [action, qty, expected] of steps) {
      sim.control.manualTrade("DEMO1000", "ESZ6", action, qty);
      await eventually(
        () => position(sim, "DEMO2003", "ESZ6") === expected,
        `DEMO2003 to hold ${expected} ESZ6`,
      );
    }
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(-2);
  });

  it("a ×2 follower held at max contracts 3 stays on min(rule, cap) at the broker, never out of sync", async () => {
    const base = simConfig();
    const followers = base.groups[0]!.followers.map((f) =>
      f.account === "DEMO2003"
        ? { ...f, sizing: { mode: "multiplier" as const, value: 2 }, maxContracts: 3 }
        : f,
    );
    rig = await startRig(simConfig({ followers }));
    const { sim } = rig;
    await eventually(() => synced(rig!), "the session to sync");
    const capped = () =>
      rig!.events.filter(
        (e) => e.type === "copy" && e.follower === "DEMO2003" && e.reason === SKIP_REASONS.stillCapped,
      );
    // Leader 3, 2, 1, 0: the rule says 6, 4, 2, 0; capped at 3: 3, 3, 2, 0.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 3, "DEMO2003 to hold +3 (capped)");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => capped().length === 1, "the reduce to be skipped: still at the cap");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 to hold +2 (the rule's 2)");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat");
    const sells = sim.control
      .records()
      .orders.filter((o) => o.accountName === "DEMO2003" && o.action === "Sell")
      .map((o) => o.filledQty);
    expect(sells).toEqual([1, 2]);
    const outOfSync = rig.events.filter(
      (e) => e.type === "syncStatus" && e.follower === "DEMO2003" && !e.inSync,
    );
    expect(outOfSync).toEqual([]);
  });

  it("skips a non-whitelisted opening with its reason and copies nothing", async () => {
    rig = await startRig(simConfig({ whitelist: { enabled: true, symbols: ["ES"] } }));
    const { sim } = rig;
    await eventually(() => synced(rig!), "the session to sync");
    sim.control.manualTrade("DEMO1000", "CLF7", "Buy", 1);
    const skips = await eventually(() => {
      const s = rig!.events.filter((e) => e.type === "copy" && e.outcome === "skipped");
      return s.length === 3 ? s : undefined;
    }, "three skips");
    expect(skips.every((e) => e.type === "copy" && e.reason === "not whitelisted")).toBe(true);
    expect(sim.control.records().orders.filter((o) => o.isAutomated)).toEqual([]);
  });
});
