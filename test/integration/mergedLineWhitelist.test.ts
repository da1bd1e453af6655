import { afterEach, describe, expect, it } from "vitest";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A follower line two leader contracts share (toMicro: ESZ6 and MESZ6 both to MESZ6) when the
 * whitelist lets only one of them open, judged on the simulator's book: the leader's exit of the
 * listed contract closes what the follower holds for it, though the leader still holds the
 * unlisted one. Before, the exit kept a part of the line for the unlisted MES the follower never
 * copied, so the follower stayed long the ES part with the leader out of ES.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("a shared line and the whitelist (against the simulator)", () => {
  it("ES listed, MES not: the leader's ES exit flattens the follower while the leader holds MES", async () => {
    rig = await startRig(
      simConfig({
        whitelist: { enabled: true, symbols: ["ES"] },
        followers: [follower("DEMO2003", { mapping: "toMicro" })],
      }),
    );
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("DEMO2003"), "connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "MESZ6") === 1, "the follower long 1 MES for the ES");
    sim.control.manualTrade("DEMO1000", "MESZ6", "Buy", 2);
    await eventually(
      () => rig!.events.some((e) => e.type === "copy" && e.reason === "not whitelisted"),
      "the MES opening held back",
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "MESZ6") === 0, "the follower flat", 3000);
    expect(position(sim, "DEMO1000", "MESZ6")).toBe(2);
  }, 20_000);
});
