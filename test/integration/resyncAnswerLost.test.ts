import { afterEach, describe, expect, it } from "vitest";
import { REFUSALS } from "../../engine/outcome.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * `r` on a line whose last order of ours lost its answer. The book no longer counts that order,
 * and until the account's next snapshot nothing says whether it filled: APEX3001, OUT OF SYNC at
 * +3 against +2, had its close (−3) done at the broker while the answer timed out on a lagging
 * socket; the line then read +3 against 0 and `r` sold 3 more, leaving it short 3 with its leader
 * flat until the pending exit bought them back. Now `r` is refused on such a line until the
 * snapshot settles it. Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ALL = ["DEMO1000", "APEX3001", "APEX3002"];
const everyoneConnected = (r: TwoLogins) => ALL.every((a) => r.engine.directory.connected(a));

describe("r beside an order whose answer was lost (against the simulator)", () => {
  it("the close timed out unheard: r sends nothing until the account's snapshot says where it stands", async () => {
    t = await startTwoLogins(undefined, (c) => (c === "prop" ? { requestTimeoutMs: 1000 } : {}));
    const r = t;
    await eventually(() => everyoneConnected(r), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    // One more by hand, then a reconnect: APEX3001 shows OUT OF SYNC, +3 against +2.
    r.sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    r.sim.control.dropSockets({ user: "prop" });
    await eventually(
      () =>
        r.events.some(
          (e) => e.type === "syncStatus" && e.follower === "APEX3001" && e.has === 3 && !e.inSync,
        ),
      "APEX3001 out of sync at +3",
      10_000,
    );
    // The prop login's frames lag 2.5 s: the close is done at the broker, its answer times out.
    r.sim.control.delaySocket("prop", 2500);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(
      () => r.events.some((e) => e.type === "copy" && e.follower === "APEX3001" && e.outcome === "rejected"),
      "APEX3001's close timed out",
    );
    expect(position(r.sim, "APEX3001", "ESZ6")).toBe(0);
    const [outcome] = await r.engine.execute({ cmd: "resync", follower: "APEX3001" });
    expect(outcome).toMatchObject({
      status: "refused",
      reason: expect.stringContaining(REFUSALS.answerUnsettled),
    });
    r.sim.control.delaySocket("prop", 0);
    // The snapshot settles the line: flat, as its leader; `r` then finds it in sync.
    await eventually(() => r.engine.copier.exitsPending() === 0, "APEX3001's exit settled", 10_000);
    const [after] = await r.engine.execute({ cmd: "resync", follower: "APEX3001" });
    expect(after?.status).toBe("in sync");
    await new Promise((done) => setTimeout(done, 500));
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([2, 3, 0]);
    expect(pathAtVenue(r.sim, "DEMO1000")).toEqual([2, 0]);
  }, 20_000);
});
