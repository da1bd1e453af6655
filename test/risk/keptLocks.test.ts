import { describe, expect, it } from "vitest";
import { alertsOf, configWith, flush, longF1 } from "./fakes.js";

/** Restarts the rig's engine over the same store, with the same config, and starts it. */
async function restarted(r: Awaited<ReturnType<typeof longF1>>) {
  r.events.length = 0;
  const engine = r.restart();
  r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 1000 } }]));
  await engine.start();
  await flush();
  return engine;
}

const alertEvents = (r: Awaited<ReturnType<typeof longF1>>) =>
  r.events.flatMap((e) => (e.type === "alert" ? [{ level: e.level, message: e.message }] : []));

describe("a lock kept from the last run is said once at start", () => {
  it("by hand: a warning that it stays until unlocked", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    expect(await r.engine.lock("F1", "lunch")).toMatchObject({ status: "locked" });
    r.clock.advance(60_000);
    await restarted(r);
    expect(alertEvents(r)).toEqual([
      {
        level: "warn",
        message: "F1: LOCKED since 12:00 CT (lunch), kept from the last run; stays until unlocked",
      },
    ]);
  });

  it("by a trading window: an info that it lifts by itself", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    await r.engine.flattenAndLock(["F1"], "flat by 11:59 CT", "window");
    await flush();
    await restarted(r);
    expect(alertEvents(r)).toEqual([
      {
        level: "info",
        message:
          "F1: LOCKED since 12:00 CT (flat by 11:59 CT), kept from the last run; lifts when openings are allowed again",
      },
    ]);
  });

  it("a follower not locked says nothing", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    await restarted(r);
    expect(alertsOf(r.events, "F1")).toEqual([]);
  });
});
