/**
 * A group switched from copy "orders" to copy "fills" while the leader's limit entry fills in
 * pieces: the followers' mirrors are cancelled with part of them filled, and the leader's later
 * fills of that entry are copies' to follow. They were skipped ("its own mirrored order answers
 * it": the cancelled mirror had filled some of that order), so every follower stayed at its
 * first piece while its leader went on to 4. Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Rig } from "../support/rig.js";
import {
  closeChecked,
  eventuallyWorking,
  FOLLOWERS,
  LEADER,
  mirrorRig,
  pos,
  quiet,
  setPrice,
  working,
} from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("a group switched from copying orders to copying fills mid-entry", () => {
  it("the leader's later fills of the entry are copied: ×1 and ×0.5 followers end at the rule's 4 and 2", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 60, entries: "market" } });
    rig.sim.control.setDepth("ES", 1);
    rig.sim.control.setDepth("MES", 1);
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 4,
      orderType: "Limit",
      price: 6795,
    });
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "the mirrors");
    setPrice(rig, 6795);
    await eventually(
      () => [LEADER, ...FOLLOWERS].every((a) => pos(rig!, a) === 1),
      "a piece each: the leader and every follower long 1",
    );
    // mimik has heard the leader's first piece: each follower's own mirror answered it.
    await eventually(
      () =>
        FOLLOWERS.every((f) =>
          rig!.events.some(
            (e) => e.type === "copy" && e.follower === f && e.reason === "its own mirrored order answers it",
          ),
        ),
      "the first piece answered by the mirrors",
    );
    const config = rig.engine.currentConfig();
    rig.engine.setConfig({ ...config, groups: [{ ...config.groups[0]!, copy: "fills" }] });
    await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.length === 0),
      "the mirrors cancelled",
    );
    for (const price of [6794.75, 6794.5, 6794.25]) {
      setPrice(rig, price);
      await quiet(150);
    }
    await eventually(() => pos(rig!, LEADER) === 4, "the leader long 4");
    await eventually(
      () => pos(rig!, "DEMO2003") === 4 && pos(rig!, "DEMO2001") === 2,
      "the ×1 follower long 4, the ×0.5 one long 2",
    );
    await quiet();
    expect([pos(rig, "DEMO2001"), pos(rig, "DEMO2003")]).toEqual([2, 4]);
    expect(FOLLOWERS.flatMap((f) => working(rig!, f))).toEqual([]);
  });
});
