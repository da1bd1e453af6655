import { describe, expect, it } from "vitest";
import { RiskAnnouncer } from "../../engine/risk/announcer.js";
import { FollowerRisk } from "../../engine/risk/followerRisk.js";
import type { EngineEvent, FollowerRiskRecord } from "../../engine/types.js";
import { FakeClock } from "./fakes.js";

function setup() {
  const clock = new FakeClock(0);
  const events: EngineEvent[] = [];
  const f = new FollowerRisk("F1");
  f.group = "g";
  const announcer = new RiskAnnouncer(
    clock,
    (e) => events.push(e),
    250,
    (name) => (name === "F1" ? f : undefined),
  );
  const states = () =>
    events.flatMap((e) =>
      e.type === "followerState" ? [[e.state, e.reason ?? "", e.unsaved ?? false]] : [],
    );
  return { clock, events, f, announcer, states };
}

const locked: FollowerRiskRecord = { state: "LOCKED", lockKind: "manual", lockReason: "lunch" };
const broker = (locked: boolean, liquidateOnly: boolean) => ({ locked, liquidateOnly, adminAction: "x" });

describe("RiskAnnouncer: the shown state, announced only when it changes", () => {
  it.each([
    ["our lock, with its reason", locked, broker(false, false), false, ["LOCKED", "lunch", false]],
    [
      "the broker's lock shows through an ACTIVE follower",
      { state: "ACTIVE" },
      broker(true, false),
      false,
      ["LOCKED", "broker lock", false],
    ],
    [
      "the broker's liquidation-only too",
      { state: "ACTIVE" },
      broker(false, true),
      false,
      ["LIQUIDATE_ONLY", "broker lock", false],
    ],
    ["our lock wins over the broker's", locked, broker(true, false), false, ["LOCKED", "lunch", false]],
    ["a lock not on disk says so", locked, broker(false, false), true, ["LOCKED", "lunch", true]],
  ] as const)("%s", (_, record, brokerRisk, unsaved, expected) => {
    const t = setup();
    t.f.record = { ...record };
    t.f.broker = brokerRisk;
    t.announcer.state(t.f, unsaved);
    t.announcer.state(t.f, unsaved);
    expect(t.states()).toEqual([expected]);
  });

  it("an ACTIVE follower that was never anything else is not announced", () => {
    const t = setup();
    t.announcer.state(t.f, false);
    expect(t.events).toEqual([]);
  });

  it("the unsaved mark coming and going is a change each time", () => {
    const t = setup();
    t.f.record = { ...locked };
    for (const unsaved of [false, true, true, false]) t.announcer.state(t.f, unsaved);
    expect(t.states()).toEqual([
      ["LOCKED", "lunch", false],
      ["LOCKED", "lunch", true],
      ["LOCKED", "lunch", false],
    ]);
  });

  it("a lock not on disk carries its kind and time, for a start to bring it back as it was", () => {
    const t = setup();
    t.f.record = { state: "LIQUIDATE_ONLY", lockKind: "daily", lockReason: "daily loss", lockedAt: 1_000 };
    t.announcer.state(t.f, true);
    t.f.record = { state: "LOCKED", lockKind: "daily", lockReason: "daily loss", lockedAt: 1_000 };
    t.announcer.state(t.f, false);
    // Taken over by a longer-lasting kind under the same words: the line after says so.
    t.f.record = { ...t.f.record, lockKind: "trailing" };
    t.announcer.state(t.f, true);
    t.f.broker = broker(true, false);
    t.f.record = { state: "ACTIVE" };
    t.announcer.state(t.f, true);
    expect(
      t.events.map((e) => (e.type === "followerState" ? [e.state, e.lockKind, e.lockedAt] : [])),
    ).toEqual([
      ["LIQUIDATE_ONLY", "daily", 1_000],
      ["LOCKED", undefined, undefined],
      ["LOCKED", "trailing", 1_000],
      // The broker's lock is not mimik's to bring back.
      ["LOCKED", undefined, undefined],
    ]);
  });

  it("alerts name the follower and its group; snapshots wait for a net liquidation", async () => {
    const t = setup();
    t.announcer.snapshot(t.f, true);
    t.announcer.alert("warn", "careful", t.f);
    t.f.holdings.netLiq = 50_000;
    t.announcer.snapshot(t.f, true);
    expect(t.events.map((e) => e.type)).toEqual(["alert", "risk"]);
    expect(t.events[0]).toMatchObject({ level: "warn", follower: "F1", group: "g" });
    expect(t.events[1]).toMatchObject({ follower: "F1", netLiq: 50_000, dayPnl: 0 });
  });
});
