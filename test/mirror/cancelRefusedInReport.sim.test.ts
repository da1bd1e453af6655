/**
 * Tradovate takes a cancel (answered with its commandId) and may still refuse it in the command's
 * report, the order working on as it was. Nothing about the order changes, so no report of its
 * end ever comes: the mirror being cancelled was never heard finished, and the follower's exit
 * that waits for that cancel ("exit waits for its mirrored order's cancel") waited forever. The
 * cancel is now asked again; one owner of the exit all along, so the follower never goes past flat.
 * Judged on the simulator's book, DEMO2003's cancels refused that way (refuseCancels).
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, pathAtVenue, type Rig } from "../support/rig.js";
import { alertsOf2003, stoppedOutBesideRefusals, waitsBesideItsStop } from "./refusedCancels.js";
import { closeChecked, mirrorRig, pos, quiet, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("a mirror's cancel refused in the command's report", () => {
  it("is asked again: the follower's exit goes within seconds, once", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    await stoppedOutBesideRefusals(r, 2, "event");
    // Before: DEMO2003 stayed long 2 beside its flat leader, its old stop working, for good.
    await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003 out", 5_000);
    await eventually(() => working(r, "DEMO2003").length === 0, "DEMO2003's old set gone", 3_000);
    await quiet(2_000);
    expect(pathAtVenue(r.sim, "DEMO2003")).toEqual([2, 0]);
    expect(alertsOf2003(r, "warn").map((a) => a.message)).toContainEqual(
      expect.stringMatching(/^the broker refused to cancel DEMO2003's Stop order \d+ .*; asking again/),
    );
  }, 30_000);

  it("refused again and again: the exit waits beside the stop, never past flat, and the trader is told", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    await stoppedOutBesideRefusals(r, 1_000, "event");
    await waitsBesideItsStop(r);
    expect(pos(r, "DEMO2003")).toBe(0);
  }, 40_000);

  it("refused a while, then taken: the exit goes then", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    await stoppedOutBesideRefusals(r, 1_000, "event");
    await quiet(3_000);
    expect(pos(r, "DEMO2003")).toBe(2);
    r.sim.control.refuseCancels("DEMO2003", 0);
    await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003 out once a cancel is taken", 8_000);
    await quiet(1_500);
    expect(pathAtVenue(r.sim, "DEMO2003")).toEqual([2, 0]);
  }, 40_000);
});
