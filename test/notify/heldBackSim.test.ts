import { afterEach, expect, it } from "vitest";
import { chicagoInstant, civilDate } from "../../engine/windows/chicago.js";
import { eventually, position, type Rig, ShiftedClock, simConfig, startRig } from "../support/rig.js";
import { phoneEachTest } from "./phone.js";

/** What the phone hears when a group's trading window holds the leader's opening back, on the simulator. */

let rig: Rig | undefined;
const phone = phoneEachTest();
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

it("outside the group's hours the phone hears once that the opening was held back, and why", async () => {
  // 2026-06-16 is a Tuesday; the hours ended at 15:00 CT.
  const clock = new ShiftedClock(chicagoInstant(civilDate(2026, 6, 16), 15 * 60 + 10));
  const config = simConfig({ windows: { hours: [{ days: "mon-fri", from: "08:30", to: "15:00" }] } });
  const { notifier: n } = phone.notifier();
  rig = await startRig(config, { clock, windowTickMs: 20 });
  const r = rig;
  r.engine.on((e) => n.push(e));
  await eventually(
    () => ["DEMO2001", "DEMO2002", "DEMO2003"].every((a) => r.engine.risk.snapshot(a)?.netLiq),
    "every follower synced and valued",
  );

  r.sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
  await eventually(
    () => r.events.filter((e) => e.type === "copy" && e.reason === "outside trading hours").length === 3,
    "the three openings held back",
  );
  await n.quiet();
  expect(position(r.sim, "DEMO1000", "NQZ6")).toBe(2);
  for (const [account, contract] of [
    ["DEMO2001", "NQZ6"],
    ["DEMO2002", "MNQZ6"],
    ["DEMO2003", "NQZ6"],
  ] as const)
    expect(position(r.sim, account, contract)).toBe(0);
  const said = phone.said();
  expect(said).toEqual([
    "G: opening on NQZ6, MNQZ6 held back for 3 followers (DEMO2001, DEMO2002, DEMO2003): outside trading hours",
  ]);
});
