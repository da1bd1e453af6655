import { describe, expect, it } from "vitest";
import type { EngineEvent, FollowerState } from "../../engine/index.js";
import { coalesce } from "../../src/notify/causes.js";
import { Collapser } from "../../src/notify/collapse.js";
import { type Notice, noticeFor, ruleMemory } from "../../src/notify/rules.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { phoneEachTest } from "./phone.js";

/**
 * The trader's flatten of a group or of every follower closes out and locks them all at once: one
 * notice per command, not two per follower, and no other lock gathered with it.
 */

const at = 1_700_000_000_000;
const GROUP = "flatten of group main by hand";
const ALL = "flatten of every follower by hand";
const DAILY = "daily loss -$1,000 reached";
const FAILED = "F150: flatten failed (RiskRejected: try later); trying again in 2 s";

/** A follower's state; `command`: the flatten by hand of many it is part of (its id and words). */
function state(
  follower: string,
  s: FollowerState,
  reason: string,
  command?: [number, string],
  group = "main",
): EngineEvent {
  return {
    type: "followerState",
    at,
    follower,
    state: s,
    reason,
    group,
    ...(command ? { command: { id: command[0], what: command[1] } } : {}),
  };
}

const noticesOf = (events: EngineEvent[]): Notice[] => {
  const memory = ruleMemory();
  return events.flatMap((e) => noticeFor(e, memory) ?? []);
};

describe("one follower's state → its notice", () => {
  const rows: [string, EngineEvent, [Notice["kind"], string, string]][] = [
    [
      "a group's flatten by hand closes it out",
      state("DEMO2001", "LIQUIDATE_ONLY", "manual", [1, GROUP]),
      ["closeOut", GROUP, "flatten of group main by hand: DEMO2001 being flattened and locked"],
    ],
    [
      "its lock, once it is flat",
      state("DEMO2001", "LOCKED", "manual", [1, GROUP]),
      ["locked", GROUP, "flatten of group main by hand: DEMO2001 flat and locked"],
    ],
    [
      "every follower's flatten names no group",
      state("APEX1", "LIQUIDATE_ONLY", "manual", [2, ALL], "micro"),
      ["closeOut", ALL, "flatten of every follower by hand: APEX1 being flattened and locked"],
    ],
    [
      "a follower already locked for its trailing floor, flattened with its group: the command's",
      state("DEMO2003", "LIQUIDATE_ONLY", "trailing drawdown", [1, GROUP]),
      ["closeOut", GROUP, "flatten of group main by hand: DEMO2003 being flattened and locked"],
    ],
    [
      "a flatten of that follower alone keeps its own words",
      state("DEMO2001", "LIQUIDATE_ONLY", "manual"),
      ["closeOut", "DEMO2001", "DEMO2001: manual: liquidate only, flattening"],
    ],
    [
      "and its lock",
      state("DEMO2001", "LOCKED", "manual"),
      ["locked", "DEMO2001", "DEMO2001: LOCKED (manual)"],
    ],
    [
      "a limit's lock is the follower's",
      state("DEMO2002", "LOCKED", DAILY),
      ["locked", "DEMO2002", `DEMO2002: LOCKED (${DAILY})`],
    ],
  ];
  it.each(rows)("%s", (_name, event, [kind, subject, text]) => {
    const [n] = noticesOf([event]);
    expect([n?.kind, n?.subject, n?.text, n?.level]).toEqual([kind, subject, text, "warn"]);
  });
});

describe("a batch's notices → its messages", () => {
  const five = ["DEMO2001", "DEMO2002", "DEMO2003", "DEMO2004", "DEMO2005"];
  const rows: [string, EngineEvent[], string[]][] = [
    [
      "a group's flatten by hand is one message naming how many and the first few",
      five.map((f) => state(f, "LIQUIDATE_ONLY", "manual", [1, GROUP])),
      [
        "flatten of group main by hand: 5 followers (DEMO2001, DEMO2002, DEMO2003 and 2 more) being flattened and locked",
      ],
    ],
    [
      "every follower's, across groups, is one message too",
      [
        state("DEMO2001", "LIQUIDATE_ONLY", "manual", [1, ALL]),
        state("APEX1", "LIQUIDATE_ONLY", "manual", [1, ALL], "micro"),
      ],
      ["flatten of every follower by hand: 2 followers (DEMO2001, APEX1) being flattened and locked"],
    ],
    [
      "a risk close-out and a flatten of one follower by hand in the same moment keep their own messages",
      [
        state("DEMO2001", "LIQUIDATE_ONLY", "manual", [1, GROUP]),
        state("RISKY", "LIQUIDATE_ONLY", DAILY),
        state("SOLO", "LIQUIDATE_ONLY", "manual"),
        state("DEMO2002", "LIQUIDATE_ONLY", "manual", [1, GROUP]),
      ],
      [
        "flatten of group main by hand: 2 followers (DEMO2001, DEMO2002) being flattened and locked",
        `RISKY: ${DAILY}: liquidate only, flattening`,
        "SOLO: manual: liquidate only, flattening",
      ],
    ],
    [
      "two commands of the same words are two messages",
      [
        state("DEMO2001", "LIQUIDATE_ONLY", "manual", [1, GROUP]),
        state("DEMO2002", "LIQUIDATE_ONLY", "manual", [2, GROUP]),
      ],
      [
        "flatten of group main by hand: DEMO2001 being flattened and locked",
        "flatten of group main by hand: DEMO2002 being flattened and locked",
      ],
    ],
  ];
  it.each(rows)("%s", (_name, events, texts) => {
    expect(coalesce(noticesOf(events)).map((n) => n.text)).toEqual(texts);
  });
});

describe("a command's locks in later batches, within collapseSeconds", () => {
  it("gathers that command's alone: another lock, by hand or by a limit, and the next command go at once", () => {
    const clock = new FakeClock();
    const sent: Notice[] = [];
    const collapser = new Collapser(60_000, clock, (n) => sent.push(n));
    const memory = ruleMemory();
    const offer = (events: EngineEvent[]) => {
      for (const n of coalesce(events.flatMap((e) => noticeFor(e, memory) ?? []))) collapser.offer(n);
    };
    offer([state("F0", "LOCKED", "manual", [1, GROUP]), state("F1", "LOCKED", "manual", [1, GROUP])]);
    clock.advance(1000);
    offer([state("F2", "LOCKED", "manual", [1, GROUP])]);
    offer([state("RISKY", "LOCKED", DAILY)]);
    offer([state("SOLO", "LOCKED", "manual")]);
    clock.advance(1000);
    offer([state("F3", "LOCKED", "manual", [1, GROUP]), state("F4", "LOCKED", "manual", [1, GROUP])]);
    // The trader flattens group main again (F5 had been unlocked): a new command, said at once.
    offer([state("F5", "LOCKED", "manual", [2, GROUP])]);
    expect(sent.map((n) => n.text)).toEqual([
      "flatten of group main by hand: 2 followers (F0, F1) flat and locked",
      `RISKY: LOCKED (${DAILY})`,
      "SOLO: LOCKED (manual)",
      "flatten of group main by hand: F5 flat and locked",
    ]);
    clock.advance(60_000);
    expect(sent.slice(4).map((n) => [n.text, n.repeats ?? 0])).toEqual([
      ["flatten of group main by hand: 3 more followers (F2, F3, F4) flat and locked", 0],
    ]);
  });
});

describe("the notifier with 200 followers flattened by hand", () => {
  const phone = phoneEachTest();

  it("is a handful of messages, nothing dropped; a failed flatten and a risk lock among them still go at once", async () => {
    const { notifier: n, clock } = phone.notifier();
    const followers = Array.from({ length: 200 }, (_, i) => `F${i}`);
    const all: [number, string] = [1, ALL];
    for (const f of followers) n.push(state(f, "LIQUIDATE_ONLY", "manual", all));
    await n.quiet();
    // The flattens end one by one: ten batches of twenty locks. Between them F150's first try
    // fails, and RISKY, outside the command (unlocked a moment before, or added since), trips its
    // daily loss.
    const heard: string[][] = [];
    const texts = phone.said;
    for (let b = 0; b < 10; b++) {
      for (const f of followers.slice(b * 20, b * 20 + 20)) n.push(state(f, "LOCKED", "manual", all));
      if (b === 3) n.push({ type: "alert", at, level: "error", follower: "F150", message: FAILED });
      if (b === 4) n.push(state("RISKY", "LIQUIDATE_ONLY", DAILY));
      if (b === 5) n.push(state("RISKY", "LOCKED", DAILY));
      await n.quiet();
      heard.push(texts());
      clock.advance(500);
    }
    for (let t = 0; t < 60; t++) {
      await n.quiet();
      clock.advance(1000);
    }
    await n.quiet();
    // Each reached the phone in the batch it came in, not when collapseSeconds ended.
    expect(heard[3]?.at(-1)).toBe(FAILED);
    expect(heard[5]?.at(-1)).toBe(`RISKY: LOCKED (${DAILY})`);
    expect(texts()).toEqual([
      "flatten of every follower by hand: 200 followers (F0, F1, F2 and 197 more) being flattened and locked",
      "flatten of every follower by hand: 20 followers (F0, F1, F2 and 17 more) flat and locked",
      FAILED,
      `RISKY: ${DAILY}: liquidate only, flattening`,
      `RISKY: LOCKED (${DAILY})`,
      "flatten of every follower by hand: 180 more followers (F20, F21, F22 and 177 others) flat and locked",
    ]);
  });
});
