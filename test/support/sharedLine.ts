import { eventually, position } from "./rig.js";
import { startTwoLogins, type TwoLogins, twoLoginConfig } from "./twoLogins.js";

/**
 * A follower line two leader contracts share, on the simulator: APEX3001 (×1) maps with toMicro,
 * the leader DEMO1000 buys 1 ESZ6 and 2 MESZ6 (`first` of them first), each copied live into
 * APEX3001's MESZ6, which ends long 3 with every answer in.
 */
export async function longOnOneLine(
  first: "ESZ6" | "MESZ6",
  reconcile?: "exits" | "full",
): Promise<TwoLogins> {
  const config = twoLoginConfig();
  config.groups[0]!.followers[0]!.mapping = "toMicro";
  if (reconcile) config.groups[0]!.reconcile = reconcile;
  const r = await startTwoLogins(config);
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  const qty = { ESZ6: 1, MESZ6: 2 };
  const second = first === "ESZ6" ? "MESZ6" : "ESZ6";
  r.sim.control.manualTrade("DEMO1000", first, "Buy", qty[first]);
  await eventually(() => position(r.sim, "APEX3001", "MESZ6") === qty[first], `APEX3001 long ${qty[first]}`);
  r.sim.control.manualTrade("DEMO1000", second, "Buy", qty[second]);
  await eventually(() => position(r.sim, "APEX3001", "MESZ6") === 3, "APEX3001 long 3 MES");
  await eventually(() => r.engine.copier.followerPosition("APEX3001", "MESZ6") === 3, "mimik sees it");
  await new Promise((done) => setTimeout(done, 300)); // every answer in: nothing on the line is uncertain
  return r;
}
