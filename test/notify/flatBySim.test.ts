import { afterEach, expect, it } from "vitest";
import { followersSynced, leaderLongNq, NQ_FOLLOWERS, tuesday } from "../support/nqFollowers.js";
import { eventually, position, type Rig, ShiftedClock, simConfig, startRig } from "../support/rig.js";
import { phoneEachTest } from "./phone.js";

/** What the phone hears when a group's flat-by time flattens and locks its followers, on the simulator. */

let rig: Rig | undefined;
const phone = phoneEachTest();
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

it("at the flat-by time the phone hears once that the group is being flattened, and whom it locked", async () => {
  const clock = new ShiftedClock(tuesday(15, 50));
  const { notifier: n } = phone.notifier();
  rig = await startRig(simConfig({ windows: { flatBy: "15:55" } }), { clock, windowTickMs: 20 });
  const r = rig;
  r.engine.on((e) => n.push(e));
  await followersSynced(r);
  await leaderLongNq(r);

  clock.jumpTo(tuesday(15, 55));
  for (const [account, contract] of NQ_FOLLOWERS)
    await eventually(() => position(r.sim, account, contract) === 0, `${account} flattened at 15:55 CT`);
  for (const [account] of NQ_FOLLOWERS)
    await eventually(() => r.engine.risk.snapshot(account)?.state === "LOCKED", `${account} locked`);
  // The locks gathered within collapseSeconds are said at its end (here: the notifier's close).
  await n.close(5000);

  const said = phone.said();
  expect(said[0]).toBe(
    "G: flat by 15:55 CT: 3 followers (DEMO2001, DEMO2002, DEMO2003) being flattened and locked",
  );
  const locks = said.slice(1);
  // Each follower locks when its own flatten is done: one message, or the first batch and the rest.
  expect(locks.length).toBeGreaterThanOrEqual(1);
  expect(locks.length).toBeLessThanOrEqual(2);
  for (const text of locks) expect(text).toMatch(/^G: flat by 15:55 CT: .* flat and locked$/);
  const named = NQ_FOLLOWERS.map(([a]) => locks.join("\n").split(a).length - 1);
  expect(named).toEqual([1, 1, 1]);
  expect(position(r.sim, "DEMO1000", "NQZ6")).toBe(2);
});
