import { afterEach, describe, expect, it } from "vitest";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * The account's max open contracts (limits.maxOpenContracts), judged on the simulator's book: a
 * follower ×2 toMicro with an account cap of 4 followed a leader short ESZ6 3 then long ESH7 2 to
 * MESZ6 −4 and MESH7 +4, eight contracts on an account a prop firm caps at four.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const copies = (r: Rig, account: string) =>
  r.events.filter(
    (e) => e.type === "copy" && e.follower === account && (e.outcome === "sent" || e.outcome === "skipped"),
  );
const open = (r: Rig, account: string) =>
  Math.abs(position(r.sim, account, "MESZ6")) + Math.abs(position(r.sim, account, "MESH7"));

describe("the account's max open contracts (against the simulator)", () => {
  it("two months of ES stay within 4 contracts on the account, and the leader's exits close it", async () => {
    const capped = follower("DEMO2001", {
      sizing: { mode: "multiplier", value: 2 },
      mapping: "toMicro",
      limits: { maxOpenContracts: 4 },
    });
    rig = await startRig(simConfig({ followers: [capped] }));
    const r = rig;
    await eventually(() => r.engine.directory.connected("DEMO2001"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 3);
    await eventually(() => position(r.sim, "DEMO2001", "MESZ6") === -4, "short 4 MESZ6 (6 cut to 4)");
    r.sim.control.manualTrade("DEMO1000", "ESH7", "Buy", 2);
    await eventually(() => copies(r, "DEMO2001").length >= 2, "the ESH7 fill decided for");
    await eventually(() => !r.engine.copier.hasLiveOrders("DEMO2001"), "no order of ours on its way");
    expect(position(r.sim, "DEMO1000", "ESH7")).toBe(2);
    expect(open(r, "DEMO2001")).toBeLessThanOrEqual(4);
    expect(position(r.sim, "DEMO2001", "MESH7")).toBe(0);
    const held = copies(r, "DEMO2001").at(-1);
    expect(held).toMatchObject({ outcome: "skipped", reason: "the account's max open contracts (4)" });
    // The line held short only by the cap is in sync: OUT OF SYNC has nothing to show, `r` nothing to send.
    const automated = () => r.sim.control.records().orders.filter((o) => o.accountName === "DEMO2001").length;
    const sentBefore = automated();
    const [outcome] = await r.engine.execute({ cmd: "resync", follower: "DEMO2001" });
    expect(outcome).toMatchObject({ target: "DEMO2001", status: "in sync" });
    expect(automated()).toBe(sentBefore);
    expect(r.events.some((e) => e.type === "syncStatus" && e.follower === "DEMO2001" && !e.inSync)).toBe(
      false,
    );
    // Exits are never held: the leader's close takes the follower flat.
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    await eventually(() => position(r.sim, "DEMO2001", "MESZ6") === 0, "the ESZ6 close closed MESZ6");
    r.sim.control.manualTrade("DEMO1000", "ESH7", "Sell", 2);
    await eventually(() => copies(r, "DEMO2001").length >= 4, "the ESH7 close decided for");
    await eventually(() => !r.engine.copier.hasLiveOrders("DEMO2001"), "no order of ours on its way");
    expect(open(r, "DEMO2001")).toBe(0);
  }, 30_000);

  it("a cut opening says so, and two fills in one tick do not both take the last room", async () => {
    const capped = follower("DEMO2001", {
      sizing: { mode: "multiplier", value: 1 },
      mapping: "toMicro",
      limits: { maxOpenContracts: 3 },
    });
    rig = await startRig(simConfig({ followers: [capped] }));
    const r = rig;
    await eventually(() => r.engine.directory.connected("DEMO2001"), "connected");
    // Both leader fills come before any follower fill can: the opening on its way takes the room.
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    r.sim.control.manualTrade("DEMO1000", "ESH7", "Sell", 2);
    await eventually(() => copies(r, "DEMO2001").length >= 2, "both fills decided for");
    await eventually(() => !r.engine.copier.hasLiveOrders("DEMO2001"), "no order of ours on its way");
    expect(position(r.sim, "DEMO2001", "MESZ6")).toBe(2);
    expect(position(r.sim, "DEMO2001", "MESH7")).toBe(-1);
    expect(copies(r, "DEMO2001").at(-1)).toMatchObject({
      reason: "copied, capped by the account's max open contracts (3)",
    });
  }, 30_000);
});
