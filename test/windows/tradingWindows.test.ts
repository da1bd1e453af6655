import { describe, expect, it } from "vitest";
import { CONFIG_VERSION, type Config, type Windows } from "../../data/schema.js";
import type { FollowerGate } from "../../engine/copier/ports.js";
import { REFUSALS } from "../../engine/outcome.js";
import type { AlertEvent, EngineEvent, WindowEvent } from "../../engine/types.js";
import { chicagoInstant, civilDate } from "../../engine/windows/chicago.js";
import { TradingWindows } from "../../engine/windows/tradingWindows.js";
import { FakeClock } from "../risk/fakes.js";

const ct = (y: number, m: number, d: number, hh: number, mm = 0) =>
  chicagoInstant(civilDate(y, m, d), hh * 60 + mm);

function config(windows: Windows | undefined): Config {
  return {
    version: CONFIG_VERSION,
    connections: [],
    accounts: [],
    groups: [
      {
        name: "NQ Scalps",
        active: true,
        leader: "L",
        whitelist: { enabled: false, symbols: [] },
        followers: ["F1", "F2"].map((account) => ({
          account,
          enabled: true,
          sizing: { mode: "multiplier", value: 1 },
          mapping: "none",
          limits: {},
        })),
        ...(windows ? { windows } : {}),
      },
    ],
  };
}

/** TradingWindows on a fake clock, with risk's side as a little lock table. */
function rig(start: number, windows: Windows | undefined) {
  const clock = new FakeClock(start);
  const events: EngineEvent[] = [];
  const locks = new Map<string, "locked" | "liquidating">();
  const calls: string[] = [];
  const changed: string[][] = [];
  const w = new TradingWindows({
    clock,
    emit: (e) => events.push(e),
    flattenAndLock: async (followers, reason) => {
      calls.push(`flatten ${followers.join(",")}: ${reason}`);
      for (const f of followers) locks.set(f, "liquidating");
    },
    windowLock: (f) => locks.get(f),
    unlock: async (f) => {
      calls.push(`unlock ${f}`);
      locks.delete(f);
      return { target: f, status: "unlocked" };
    },
    changed: (followers) => changed.push([...followers]),
    tickMs: 60_000,
  });
  w.setConfig(config(windows));
  w.start();
  const windowEvents = () => events.filter((e): e is WindowEvent => e.type === "window");
  const alerts = () => events.filter((e): e is AlertEvent => e.type === "alert").map((a) => a.message);
  return { clock, w, events, locks, calls, changed, windowEvents, alerts };
}

const ACTIVE: FollowerGate = Object.freeze({ state: "ACTIVE", brokerLocked: false });
const RTH: Windows = { hours: [{ days: "mon-fri", from: "08:30", to: "15:00" }] };

describe("TradingWindows: the gate the copy path reads", () => {
  it("is risk's own gate while openings are allowed, and one frozen object per reason while held", async () => {
    const r = rig(ct(2026, 6, 16, 14, 59), RTH);
    expect(r.w.gate("F1", ACTIVE)).toBe(ACTIVE);
    await r.clock.advanceTo(ct(2026, 6, 16, 15));
    const held = r.w.gate("F1", ACTIVE);
    expect(held).toEqual({ ...ACTIVE, window: "outside trading hours" });
    expect(Object.isFrozen(held)).toBe(true);
    expect(r.w.gate("F1", ACTIVE)).toBe(held);
    // Risk's gate changed (a new object): the combined one follows it.
    const locked: FollowerGate = Object.freeze({ state: "LOCKED", brokerLocked: false });
    expect(r.w.gate("F1", locked)).toEqual({ ...locked, window: "outside trading hours" });
    // Not a follower of a windowed group: untouched.
    expect(r.w.gate("OTHER", ACTIVE)).toBe(ACTIVE);
    r.w.stop();
  });

  it("says each change with the next one, tells the mirror, and alerts", async () => {
    const r = rig(ct(2026, 6, 16, 14), RTH);
    expect(r.windowEvents().map((e) => [e.held, e.next?.text])).toEqual([
      [undefined, "openings close 15:00 CT"],
    ]);
    await r.clock.advanceTo(ct(2026, 6, 16, 15, 30));
    expect(r.windowEvents().map((e) => [e.held, e.next?.text])).toEqual([
      [undefined, "openings close 15:00 CT"],
      ["outside trading hours", "openings open Wed 08:30 CT"],
    ]);
    expect(r.windowEvents()[1]?.at).toBe(ct(2026, 6, 16, 15));
    expect(r.changed).toEqual([["F1", "F2"]]);
    expect(r.alerts()).toEqual([
      "NQ Scalps: openings held back (outside trading hours); exits still follow the leader",
    ]);
    await r.clock.advanceTo(ct(2026, 6, 17, 8, 30));
    expect(r.alerts().at(-1)).toBe("NQ Scalps: openings allowed again");
    expect(r.w.gate("F1", ACTIVE)).toBe(ACTIVE);
    r.w.stop();
  });
});

describe("TradingWindows: flat by", () => {
  const FLAT: Windows = { hours: [{ days: "mon-fri", from: "08:30", to: "16:00" }], flatBy: "15:55" };

  it("flattens and locks every follower once at the flat-by time, and lifts the lock when openings reopen", async () => {
    const r = rig(ct(2026, 6, 16, 15, 50), FLAT);
    await r.clock.advanceTo(ct(2026, 6, 16, 15, 54));
    expect(r.calls).toEqual([]);
    await r.clock.advanceTo(ct(2026, 6, 16, 15, 55));
    expect(r.calls).toEqual(["flatten F1,F2: flat by 15:55 CT"]);
    expect(r.w.gate("F2", ACTIVE).window).toBe("flat by 15:55 CT");
    r.locks.set("F1", "locked");
    await r.clock.advanceTo(ct(2026, 6, 17, 8, 29));
    expect(r.calls).toEqual(["flatten F1,F2: flat by 15:55 CT"]);
    // F2's flatten has not finished by the open: it is unlocked once it has.
    await r.clock.advanceTo(ct(2026, 6, 17, 8, 30));
    expect(r.calls).toEqual(["flatten F1,F2: flat by 15:55 CT", "unlock F1"]);
    r.locks.set("F2", "locked");
    await r.clock.advance(60_000);
    expect(r.calls.at(-1)).toBe("unlock F2");
    expect(r.locks.size).toBe(0);
    r.w.stop();
  });

  it("an unlock refused because the balance is not known yet is tried again until it goes through", async () => {
    const r = rig(ct(2026, 6, 16, 15, 50), FLAT);
    await r.clock.advanceTo(ct(2026, 6, 16, 15, 55));
    r.locks.set("F1", "locked");
    r.locks.set("F2", "locked");
    let balanceKnown = false;
    r.w.stop();
    const w = new TradingWindows({
      clock: r.clock,
      emit: () => undefined,
      flattenAndLock: async () => undefined,
      windowLock: (f) => r.locks.get(f),
      unlock: async (f) => {
        r.calls.push(`unlock ${f}`);
        if (!balanceKnown) return { target: f, status: "refused", reason: REFUSALS.balanceUnknown };
        r.locks.delete(f);
        return { target: f, status: "unlocked" };
      },
      changed: () => undefined,
      tickMs: 60_000,
    });
    w.setConfig(config(FLAT));
    w.start();
    await r.clock.advanceTo(ct(2026, 6, 17, 8, 30));
    expect(r.locks.size).toBe(2);
    balanceKnown = true;
    await r.clock.advance(60_000);
    expect(r.locks.size).toBe(0);
    const unlocks = r.calls.filter((c) => c.startsWith("unlock")).length;
    await r.clock.advance(600_000);
    expect(r.calls.filter((c) => c.startsWith("unlock")).length).toBe(unlocks);
    w.stop();
  });

  it("mimik down at Friday's flat-by and started Monday before the open still flattens", () => {
    // Friday's flat-by holds until openings reopen (Monday 08:30), as on Saturday or Sunday.
    const r = rig(ct(2026, 6, 22, 7), FLAT);
    expect(r.calls).toEqual(["flatten F1,F2: flat by 15:55 CT"]);
    expect(r.w.gate("F1", ACTIVE).window).toBe("flat by 15:55 CT");
    r.w.stop();
  });

  it("a start inside the flat period flattens whoever is not already flat and window-locked", () => {
    const r = rig(ct(2026, 6, 16, 16, 10), FLAT);
    expect(r.calls).toEqual(["flatten F1,F2: flat by 15:55 CT"]);
    r.w.stop();
    const clock = new FakeClock(ct(2026, 6, 16, 16, 10));
    const calls: string[] = [];
    const w = new TradingWindows({
      clock,
      emit: () => undefined,
      flattenAndLock: async (followers, reason) =>
        void calls.push(`flatten ${followers.join(",")}: ${reason}`),
      windowLock: (f) => (f === "F1" ? "locked" : undefined),
      unlock: async (f) => ({ target: f, status: "unlocked" }),
      changed: () => undefined,
    });
    w.setConfig(config(FLAT));
    w.start();
    expect(calls).toEqual(["flatten F2: flat by 15:55 CT"]);
    w.stop();
  });

  it("a window lock left behind by a config without windows is lifted", async () => {
    const r = rig(ct(2026, 6, 16, 16, 10), FLAT);
    r.locks.set("F1", "locked");
    r.locks.set("F2", "locked");
    r.w.setConfig(config(undefined));
    expect(r.calls.filter((c) => c.startsWith("unlock")).sort()).toEqual(["unlock F1", "unlock F2"]);
    expect(r.windowEvents().at(-1)).toEqual({
      type: "window",
      at: r.clock.now(),
      group: "NQ Scalps",
      held: undefined,
      next: undefined,
    });
    r.w.stop();
  });
});

describe("TradingWindows: blackouts from the calendar", () => {
  const CPI = { name: "CPI", start: ct(2026, 6, 16, 7, 30), end: ct(2026, 6, 16, 7, 45) };

  it("holds openings during the blackout and flattens the set minutes before", async () => {
    const r = rig(ct(2026, 6, 16, 7), { blackouts: { file: "news.ics", flattenMinutesBefore: 2 } });
    expect(r.windowEvents()).toEqual([]);
    r.w.setCalendars({ "news.ics": [CPI] });
    expect(r.windowEvents().at(-1)?.next?.text).toBe("flatten for CPI 07:28 CT");
    await r.clock.advanceTo(ct(2026, 6, 16, 7, 28));
    expect(r.calls).toEqual(["flatten F1,F2: blackout: CPI"]);
    expect(r.w.gate("F1", ACTIVE).window).toBe("blackout: CPI");
    r.locks.set("F1", "locked");
    r.locks.set("F2", "locked");
    await r.clock.advanceTo(ct(2026, 6, 16, 7, 45));
    expect(r.calls.slice(1).sort()).toEqual(["unlock F1", "unlock F2"]);
    expect(r.w.gate("F1", ACTIVE)).toBe(ACTIVE);
    r.w.stop();
  });

  it("without flattenMinutesBefore it only holds openings", async () => {
    const r = rig(ct(2026, 6, 16, 7, 40), { blackouts: { file: "news.ics" } });
    r.w.setCalendars({ "news.ics": [CPI] });
    expect(r.w.gate("F1", ACTIVE).window).toBe("blackout: CPI");
    await r.clock.advanceTo(ct(2026, 6, 16, 7, 50));
    expect(r.calls).toEqual([]);
    r.w.stop();
  });

  it("a blackout that only holds openings does not put off the flat-by (flat at 15:55, not at midnight)", async () => {
    const fomcDay = { name: "FOMC", start: ct(2026, 6, 17, 0), end: ct(2026, 6, 18, 0) };
    const windows: Windows = {
      hours: [{ days: "mon-fri", from: "08:30", to: "16:00" }],
      flatBy: "15:55",
      blackouts: { file: "news.ics" },
    };
    const r = rig(ct(2026, 6, 17, 15, 50), windows);
    r.w.setCalendars({ "news.ics": [fomcDay] });
    await r.clock.advanceTo(ct(2026, 6, 17, 15, 55));
    expect(r.calls).toEqual(["flatten F1,F2: flat by 15:55 CT"]);
    expect(r.w.gate("F1", ACTIVE).window).toBe("blackout: FOMC");
    r.w.stop();
  });
});
