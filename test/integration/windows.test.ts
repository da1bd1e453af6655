import { afterEach, describe, expect, it } from "vitest";
import type { Limits, Windows } from "../../data/schema.js";
import type { CopyEvent, WindowEvent } from "../../engine/types.js";
import { followersSynced, leaderLongNq, NQ_FOLLOWERS, tuesday } from "../support/nqFollowers.js";
import { eventually, position, type Rig, ShiftedClock, simConfig, startRig } from "../support/rig.js";

/** Issue 16 on the simulator: the real engine with a wall clock the test moves past each boundary. */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(
  windows: Windows,
  at: number,
  limits3: Limits = {},
): Promise<{ rig: Rig; clock: ShiftedClock }> {
  const clock = new ShiftedClock(at);
  const config = simConfig({ windows });
  for (const f of config.groups[0]?.followers ?? []) if (f.account === "DEMO2003") f.limits = limits3;
  rig = await startRig(config, { clock, windowTickMs: 20 });
  await followersSynced(rig);
  return { rig, clock };
}

const copiesOf = (r: Rig, follower: string) =>
  r.events.filter((e): e is CopyEvent => e.type === "copy" && e.follower === follower);
const windowHeld = (r: Rig, held: string | undefined) =>
  r.events.some((e) => e.type === "window" && (e as WindowEvent).held === held);

describe("trading windows on the simulator", () => {
  it("outside the hours an opening is skipped and a close still copies", async () => {
    const { rig: r, clock } = await start(
      { hours: [{ days: "mon-fri", from: "08:30", to: "15:00" }] },
      tuesday(14, 50),
    );
    const { sim } = r;
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2 NQ inside the hours");

    clock.jumpTo(tuesday(15, 0));
    await eventually(() => windowHeld(r, "outside trading hours"), "the window to close at 15:00 CT");

    // An add and a new opening: skipped with the reason, nothing sent.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(
      () => copiesOf(r, "DEMO2003").filter((c) => c.reason === "outside trading hours").length === 2,
      "the add and the opening skipped: outside trading hours",
    );
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(3);
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(2);
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);

    // The leader closes: every follower closes too.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 3);
    for (const [account, contract] of NQ_FOLLOWERS)
      await eventually(() => position(sim, account, contract) === 0, `${account} closed outside the hours`);
    expect(r.engine.risk.snapshot("DEMO2003")?.state).toBe("ACTIVE");
  });

  it("at the flat-by time the followers are flattened and locked at the broker, and unlocked at the next session", async () => {
    const { rig: r, clock } = await start({ flatBy: "15:55" }, tuesday(15, 50));
    const { sim, engine } = r;
    await leaderLongNq(r);

    clock.jumpTo(tuesday(15, 55));
    for (const [account, contract] of NQ_FOLLOWERS)
      await eventually(() => position(sim, account, contract) === 0, `${account} flattened at 15:55 CT`);
    for (const [account] of NQ_FOLLOWERS)
      await eventually(() => engine.risk.snapshot(account)?.state === "LOCKED", `${account} locked`);
    expect(engine.risk.snapshot("DEMO2001")).toMatchObject({
      lockKind: "window",
      lockReason: "flat by 15:55 CT",
    });
    // The leader is never touched.
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(2);
    expect(
      sim.control
        .records()
        .orders.filter((o) => o.accountName === "DEMO1000")
        .every((o) => !o.isAutomated),
    ).toBe(true);

    // Until the next session (no hours: the 17:00 CT open) an opening is held back.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(
      () => copiesOf(r, "DEMO2003").some((c) => c.contract === "ESZ6" && c.outcome === "skipped"),
      "ES skipped",
    );
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);

    clock.jumpTo(tuesday(17, 0));
    for (const [account] of NQ_FOLLOWERS)
      await eventually(
        () => engine.risk.snapshot(account)?.state === "ACTIVE",
        `${account} unlocked at 17:00 CT`,
      );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(
      () => position(sim, "DEMO2003", "ESZ6") === 1,
      "DEMO2003 copies again in the new session",
    );
  });

  it("a blackout from the calendar refuses openings, and its flatten comes the set minutes before", async () => {
    const { rig: r, clock } = await start(
      { blackouts: { file: "news.json", flattenMinutesBefore: 2, only: ["CPI"] } },
      tuesday(7, 20),
    );
    const { sim, engine } = r;
    engine.setCalendars({
      "news.json": [
        { name: "CPI", start: tuesday(7, 30), end: tuesday(7, 45) },
        { name: "Fed speaker", start: tuesday(7, 0), end: tuesday(9, 0) },
      ],
    });
    await eventually(
      () =>
        r.events.some(
          (e) => e.type === "window" && (e as WindowEvent).next?.text === "flatten for CPI 07:28 CT",
        ),
      "the header's next change: flatten for CPI",
    );
    // "only": the speaker's event is not a blackout; openings copy until 07:28.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2 NQ before the blackout");

    clock.jumpTo(tuesday(7, 28));
    await eventually(
      () => position(sim, "DEMO2003", "NQZ6") === 0,
      "DEMO2003 flattened 2 minutes before CPI",
    );
    await eventually(
      () => engine.risk.snapshot("DEMO2003")?.lockReason === "blackout: CPI",
      "locked for CPI",
    );

    clock.jumpTo(tuesday(7, 45));
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "ACTIVE", "unlocked when CPI is over");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(
      () => position(sim, "DEMO2003", "NQZ6") === 1,
      "DEMO2003 copies the add after the blackout",
    );
  });

  it("a blackout's lock lifts at its end on a day a forced unlock waived the daily loss", async () => {
    const { rig: r, clock } = await start(
      { blackouts: { file: "news.json", flattenMinutesBefore: 2 } },
      tuesday(9, 0),
      { dailyLoss: 500 },
    );
    const { sim, engine } = r;
    engine.setCalendars({ "news.json": [{ name: "CPI", start: tuesday(10, 30), end: tuesday(10, 45) }] });
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2 NQ");
    // 2 NQ × $20 × 20 points: past its $500 daily loss; flattened and locked.
    sim.control.jumpPrice("NQZ6", -20);
    await eventually(() => engine.risk.snapshot("DEMO2003")?.lockKind === "daily", "DEMO2003 daily-locked");
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "DEMO2003 flat and locked");
    // The trader forces it back on: the daily loss is waived until 17:00 CT.
    expect((await engine.unlock("DEMO2003", true)).status).toBe("unlocked");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 0, "DEMO2001 closed with its leader");

    clock.jumpTo(tuesday(10, 28));
    await eventually(
      () => engine.risk.snapshot("DEMO2003")?.lockReason === "blackout: CPI",
      "DEMO2003 locked for CPI",
    );
    clock.jumpTo(tuesday(10, 45));
    await eventually(
      () => engine.risk.snapshot("DEMO2001")?.state === "ACTIVE",
      "DEMO2001 unlocked after CPI",
    );
    await eventually(
      () => engine.risk.snapshot("DEMO2003")?.state === "ACTIVE",
      "DEMO2003 unlocked after CPI",
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 copies again after CPI");
  });
});
