/** The scene the refused-cancel simulator tests share: DEMO2003's cancels refused while its leader stops out. */
import { expect } from "vitest";
import type { AlertEvent } from "../../engine/index.js";
import { eventually, pathAtVenue, type Rig } from "../support/rig.js";
import { LEADER, leaderOco, pos, quiet, setPrice, working } from "./simRig.js";

/**
 * The leader long 2 with an OCO (stop 6790, target 6820), mirrored on each follower; DEMO2003's
 * next `refusals` cancels are refused, in their reports ("event": taken, then refused) or in their
 * answers ("reply"), and its set is cancelled (the leader's stop becomes a StopLimit); then the
 * leader stops out at 6794, DEMO2003's old stop (6790) still working.
 */
export async function stoppedOutBesideRefusals(
  r: Rig,
  refusals: number,
  mode: "event" | "reply",
): Promise<void> {
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(() => pos(r, "DEMO2003") === 2, "DEMO2003 long 2");
  const oco = await leaderOco(r);
  r.sim.control.refuseCancels("DEMO2003", refusals, "not now", mode);
  r.sim.control.modifyOrder(oco.orderId, { orderType: "StopLimit", stopPrice: 6795, price: 6794 });
  const outcome = mode === "reply" ? "rejected" : "sent";
  const cancels = () =>
    r.events.filter(
      (e) =>
        e.type === "mirror" && e.follower === "DEMO2003" && e.action === "cancel" && e.outcome === outcome,
    ).length;
  await eventually(() => cancels() >= 2, `DEMO2003's old set's cancels ${outcome}`);
  if (mode === "event") await quiet(300); // both cancels taken, then refused in their reports
  setPrice(r, 6794);
  await eventually(() => pos(r, LEADER) === 0, "the leader stopped out at 6794");
  await eventually(() => pos(r, "DEMO2001") === 0 && pos(r, "DEMO2002") === 0, "the others out");
}

/** DEMO2003's alerts at `level`. */
export const alertsOf2003 = (r: Rig, level: AlertEvent["level"]) =>
  r.events.filter(
    (e): e is AlertEvent => e.type === "alert" && e.level === level && e.follower === "DEMO2003",
  );

/**
 * Refused for good: the trader is asked at error level to flatten by hand, and the exit waits
 * beside the stop that still works (sold beside it, DEMO2003 would go short once it filled); the
 * stop's own fill takes DEMO2003 out, once.
 */
export async function waitsBesideItsStop(r: Rig): Promise<void> {
  await eventually(() => alertsOf2003(r, "error").length > 0, "an error asking to flatten DEMO2003", 12_000);
  expect(alertsOf2003(r, "error")[0]!.message).toMatch(/refused 5 times .* flatten DEMO2003 by hand/);
  expect(pos(r, "DEMO2003")).toBe(2);
  expect(working(r, "DEMO2003").some((o) => o.orderType === "Stop" && o.stopPrice === 6790)).toBe(true);
  setPrice(r, 6789);
  await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003's stop filled at 6789");
  await quiet(2_000);
  expect(pathAtVenue(r.sim, "DEMO2003")).toEqual([2, 0]);
}
