import { afterEach, describe, expect, it } from "vitest";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * Max contracts on a follower line two leader contracts share (toMicro: ESZ6 and MESZ6 both to
 * MESZ6), judged on the simulator's book. A flip of one leader contract closes its part of the line
 * and opens the new side; what the line keeps for the other contract is still held, so the cap
 * counts it too, as it does for an opening.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const copiesTo = (r: Rig, account: string) =>
  r.events.filter((e) => e.type === "copy" && e.follower === account && e.outcome === "filled").length;

describe("max contracts on a shared line (against the simulator)", () => {
  it("a flip of the leader's MES beside its ES keeps the follower within its cap of 2", async () => {
    rig = await startRig(
      simConfig({ followers: [follower("DEMO2003", { mapping: "toMicro", maxContracts: 2 })] }),
    );
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("DEMO2003"), "connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "MESZ6") === 2, "the follower long 2 MES for the ES");
    sim.control.manualTrade("DEMO1000", "MESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "MESZ6") === 1, "the follower sold 1 for the MES short");
    // The leader's MES goes from short 1 to long 2 in one fill, its ES still long 2.
    sim.control.manualTrade("DEMO1000", "MESZ6", "Buy", 3);
    await eventually(() => copiesTo(rig!, "DEMO2003") === 3, "the flip's copy filled");
    await eventually(() => !engine.copier.hasLiveOrders("DEMO2003"), "no order of ours on its way");
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(2);
    expect(position(sim, "DEMO1000", "MESZ6")).toBe(2);
    expect(position(sim, "DEMO2003", "MESZ6")).toBe(2);
  }, 20_000);
});
