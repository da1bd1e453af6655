/**
 * A re-sync after a mirror's fill waits while the mirror cancels the follower's exits on the line
 * (a close beside a stop being cancelled could fill twice), and ran only at that cancel's end as
 * told (mirrorEnded). A cancel that ended untold left it waiting for a later cancel's end, which
 * may never come: the follower kept a position its leader had closed. The line is now looked at
 * again while a re-sync waits; one found flat by then is dropped, the journal told why.
 */
import { describe, expect, it } from "vitest";
import { RESYNC_LOOK_MS } from "../../engine/copier/mirrorAnswers.js";
import type { AlertEvent } from "../../engine/types.js";
import { ordersTo, world } from "../mirror/copierWorld.js";

const STOP_CANCELLING = "F:ESZ6:Sell";

/** F's mirrored entry of the leader's 77 fills after its leader left (78), its stop being cancelled. */
async function waitingOnTheStop() {
  const cancelsOn = new Set([STOP_CANCELLING]);
  const w = world(new Set(["F:77"]), new Set(), undefined, undefined, cancelsOn);
  w.broker.trade(1, "ESZ6", "Buy", 3, 77);
  await w.broker.flush();
  w.broker.trade(1, "ESZ6", "Sell", 3, 78);
  await w.broker.flush();
  w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc");
  await w.broker.flush();
  w.clock.run(1);
  await w.broker.flush();
  expect(w.broker.position(2, "ESZ6")).toBe(3);
  expect(ordersTo(w, "F")).toEqual([]);
  return { w, cancelsOn };
}

const dropped = (w: Awaited<ReturnType<typeof waitingOnTheStop>>["w"]) =>
  w.events.filter((e): e is AlertEvent => e.type === "alert" && /re-sync of ESZ6 dropped/.test(e.message));

describe("a re-sync waiting on a cancel whose end is never told", () => {
  it("the cancel ended untold: the next look closes the follower, once", async () => {
    const { w, cancelsOn } = await waitingOnTheStop();
    w.clock.run(RESYNC_LOOK_MS); // still being cancelled at the first look: it waits on
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]);
    cancelsOn.delete(STOP_CANCELLING); // over, and no mirrorEnded told
    w.clock.run(RESYNC_LOOK_MS);
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([["Sell", 3]]);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    w.clock.run(10 * RESYNC_LOOK_MS);
    w.copier.answers.mirrorEnded("F", "ESZ6");
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([["Sell", 3]]);
  });

  it("the line went flat meanwhile (its stop filled): dropped, with a journal line saying why", async () => {
    const { w, cancelsOn } = await waitingOnTheStop();
    w.broker.trade(2, "ESZ6", "Sell", 3, 501, "mm-79-2-stp");
    await w.broker.flush();
    cancelsOn.delete(STOP_CANCELLING);
    w.copier.answers.mirrorEnded("F", "ESZ6");
    await w.broker.flush();
    w.clock.run(10 * RESYNC_LOOK_MS);
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(dropped(w).map((e) => [e.level, e.follower])).toEqual([["info", "F"]]);
    expect(dropped(w)[0]!.message).toMatch(
      /flat once the cancel of its exits ended \(F: its mirrored order filled after the leader left/,
    );
  });
});
