/**
 * Tradovate answers a modify with its commandId once it takes it; its risk checks may still refuse
 * it after, in the command's report (RiskRejected, with rejectReason and text), and the order keeps
 * its terms (tradovate-protocol.md §3.6, §5.1). A refusal in a report is a refusal as one in the
 * answer is: the same modify is not asked again every spacing (250 ms, each a request from the
 * login's budget), a shrink refused is cancelled and placed anew at size, and the followers' pane
 * says why the follower's order is not where the leader's is. Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/types.js";
import { eventually, type Rig } from "../support/rig.js";
import { closeChecked, LEADER, leaderOco, mirrorRig, pos, quiet, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

const REFUSED = "test: refused in the report";

/** Every follower long with an OCO (stop 6790, target 6820) sized to its position. */
async function protectedLong(r: Rig) {
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(() => pos(r, "DEMO2003") === 2 && pos(r, "DEMO2001") === 1, "copies");
  const oco = await leaderOco(r);
  await quiet(400); // past the placement's modify spacing
  return oco;
}

const modifies = (r: Rig, outcome: "sent" | "rejected") =>
  r.events.filter(
    (e) => e.type === "mirror" && e.follower === "DEMO2003" && e.action === "modify" && e.outcome === outcome,
  );

describe("a modify the broker takes, then refuses in its report", () => {
  it("is not asked again every spacing; the pane says why; once taken again, the stop ends at the leader's", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    const oco = await protectedLong(r);
    r.sim.control.rejectModifies("DEMO2003", "RiskRejected", REFUSED, "event");
    r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6795 });
    await eventually(
      () => ["DEMO2001", "DEMO2002"].every((f) => working(r, f).some((o) => o.stopPrice === 6795)),
      "the others' stops moved",
    );
    await eventually(() => modifies(r, "rejected").length > 0, "DEMO2003's modify refused in its report");
    await quiet(2000);
    // One request, not one every 250 ms.
    expect(modifies(r, "sent")).toHaveLength(1);
    expect(working(r, "DEMO2003").find((o) => o.orderType === "Stop")?.stopPrice).toBe(6790);
    const shown = r.events
      .filter((e): e is Extract<EngineEvent, { type: "workingOrders" }> => e.type === "workingOrders")
      .filter((e) => e.account === "DEMO2003")
      .at(-1);
    expect(shown?.notMirrored).toEqual([
      expect.objectContaining({ leaderOrderId: oco.orderId, reason: expect.stringContaining(REFUSED) }),
    ]);
    r.sim.control.rejectModifies("DEMO2003", null);
    await eventually(
      () => working(r, "DEMO2003").find((o) => o.orderType === "Stop")?.stopPrice === 6795,
      "DEMO2003's stop moved once its broker takes modifies again",
      10_000,
    );
  });

  it("a shrink refused in the report: the legs are cancelled and placed anew at size", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    await protectedLong(r);
    const before = working(r, "DEMO2003").map((o) => o.orderId);
    r.sim.control.rejectModifies("DEMO2003", "RiskRejected", REFUSED, "event");
    // The trader takes 1 off by hand at the follower: its legs must shrink to 1.
    r.sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 1);
    await eventually(() => pos(r, "DEMO2003") === 1, "the follower's own sale");
    await eventually(() => {
      const now = working(r, "DEMO2003");
      return now.length === 2 && now.every((o) => o.qty === 1 && !before.includes(o.orderId));
    }, "DEMO2003's legs placed anew at 1");
  });
});
