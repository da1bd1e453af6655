import { describe, expect, it } from "vitest";
import { DayRoll } from "../../engine/risk/dayRoll.js";
import { FakeClock } from "./fakes.js";

const at = (iso: string) => Date.parse(iso);

function setup(startIso: string) {
  const clock = new FakeClock(at(startIso));
  const rolls: string[] = [];
  const day = new DayRoll(clock, (tradingDay) => rolls.push(tradingDay));
  return { clock, day, rolls };
}

describe("DayRoll: the trading day ends at 17:00 CT, announced once", () => {
  it.each([
    ["Monday 12:00 CT", "2026-01-12T18:00:00Z", "2026-01-12"],
    ["Monday 17:00 CT belongs to Tuesday", "2026-01-12T23:00:00Z", "2026-01-13"],
    ["summer time, 16:59 CDT", "2026-07-13T21:59:00Z", "2026-07-13"],
  ])("%s: trading day %s", (_, iso, expected) => {
    expect(setup(iso).day.tradingDay).toBe(expected);
  });

  it("the timer rolls at 17:00 CT once started, and only then", async () => {
    const r = setup("2026-01-12T18:00:00Z");
    await r.clock.advanceTo(at("2026-01-13T00:00:00Z"));
    expect(r.rolls).toEqual([]);
    r.day.start();
    await r.clock.advanceTo(at("2026-01-13T22:59:59.999Z"));
    expect(r.rolls).toEqual([]);
    await r.clock.advanceTo(at("2026-01-13T23:00:00Z"));
    expect(r.rolls).toEqual(["2026-01-14"]);
    expect(r.clock.pending()).toBe(1);
  });

  it("check() rolls a late day at once, even with no timer (a busy loop, a laptop waking up)", async () => {
    const r = setup("2026-01-12T18:00:00Z");
    r.clock.t = at("2026-01-14T18:00:00Z");
    r.day.check();
    r.day.check();
    expect(r.rolls).toEqual(["2026-01-14"]);
    expect(r.clock.pending()).toBe(0);
  });

  it("stop() leaves no timer and start() takes the day from the clock without announcing it", () => {
    const r = setup("2026-01-12T18:00:00Z");
    r.day.start();
    r.day.stop();
    expect(r.clock.pending()).toBe(0);
    r.clock.t = at("2026-01-20T18:00:00Z");
    r.day.start();
    expect(r.day.tradingDay).toBe("2026-01-20");
    expect(r.rolls).toEqual([]);
  });
});
