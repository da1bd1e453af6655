import { chicagoInstant, civilDate } from "../../engine/windows/chicago.js";
import { eventually, position, type Rig } from "./rig.js";

/** simConfig's followers and the contract each holds when the leader trades NQ (DEMO2002: micros). */
export const NQ_FOLLOWERS = [
  ["DEMO2001", "NQZ6"],
  ["DEMO2002", "MNQZ6"],
  ["DEMO2003", "NQZ6"],
] as const;

/** 2026-06-16, a Tuesday, at hh:mm CT. */
export const tuesday = (hh: number, mm = 0) => chicagoInstant(civilDate(2026, 6, 16), hh * 60 + mm);

/** Every follower routed and valued by risk (its limits can act). */
export function followersSynced(r: Rig): Promise<unknown> {
  return eventually(
    () => NQ_FOLLOWERS.every(([a]) => r.engine.directory.route(a) && r.engine.risk.snapshot(a)?.netLiq),
    "every follower synced and valued",
  );
}

/** The leader buys 2 NQZ6 and every follower holds its copy, on the simulator's book. */
export async function leaderLongNq(r: Rig): Promise<void> {
  r.sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
  for (const [account, contract] of NQ_FOLLOWERS)
    await eventually(() => position(r.sim, account, contract) !== 0, `${account} copied the opening`);
}
