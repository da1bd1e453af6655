import { afterEach, expect, it } from "vitest";
import { followersSynced, leaderLongNq, NQ_FOLLOWERS } from "../support/nqFollowers.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { phoneEachTest } from "./phone.js";

/** What the phone hears when the trader flattens one follower, then its whole group, on the simulator. */

let rig: Rig | undefined;
const phone = phoneEachTest();
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

it("a group flattened by hand is one close-out message and its locks named once; one follower keeps its own words", async () => {
  const { notifier: n } = phone.notifier();
  rig = await startRig(simConfig());
  const r = rig;
  r.engine.on((e) => n.push(e));
  await followersSynced(r);
  await leaderLongNq(r);

  await r.engine.execute({ cmd: "flatten", target: { follower: "DEMO2001" } });
  await eventually(() => position(r.sim, "DEMO2001", "NQZ6") === 0, "DEMO2001 flattened");
  await eventually(() => r.engine.risk.snapshot("DEMO2001")?.state === "LOCKED", "DEMO2001 locked");
  await n.quiet();
  // Typed in another case: the message names the group as the config spells it.
  await r.engine.execute({ cmd: "flatten", target: { group: "g" } });
  for (const [account, contract] of NQ_FOLLOWERS)
    await eventually(() => position(r.sim, account, contract) === 0, `${account} flattened`);
  for (const [account] of NQ_FOLLOWERS)
    await eventually(() => r.engine.risk.snapshot(account)?.state === "LOCKED", `${account} locked`);
  // The locks gathered within collapseSeconds are said at its end (here: the notifier's close).
  await n.close(5000);

  const said = phone.said();
  expect(said.slice(0, 3)).toEqual([
    "DEMO2001: manual: liquidate only, flattening",
    "DEMO2001: LOCKED (manual)",
    "flatten of group G by hand: 3 followers (DEMO2001, DEMO2002, DEMO2003) being flattened and locked",
  ]);
  const locks = said.slice(3);
  // Each follower locks when its own flatten is done: one message, or the first batch and the rest.
  expect(locks.length).toBeGreaterThanOrEqual(1);
  expect(locks.length).toBeLessThanOrEqual(2);
  for (const text of locks) expect(text).toMatch(/^flatten of group G by hand: .* flat and locked$/);
  const named = NQ_FOLLOWERS.map(([a]) => locks.join("\n").split(a).length - 1);
  expect(named).toEqual([1, 1, 1]);
  expect(position(r.sim, "DEMO1000", "NQZ6")).toBe(2);
});
