import { describe, expect, it } from "vitest";
import type { EngineEvent, FollowerState } from "../../engine/index.js";
import { coalesce } from "../../src/notify/causes.js";
import { Collapser } from "../../src/notify/collapse.js";
import { type Notice, noticeFor, ruleMemory } from "../../src/notify/rules.js";
import { titleOf } from "../../src/notify/targets.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { phoneEachTest } from "./phone.js";

/**
 * A group's flat-by time or a blackout's flatten closes out and locks every follower of the group
 * at once: one notice per group and cause, not two per follower.
 */

const at = 1_700_000_000_000;
const FLAT_BY = "flat by 15:55 CT";

/** `group` "": the event carries none. */
function state(follower: string, s: FollowerState, reason: string, group = "main"): EngineEvent {
  return { type: "followerState", at, follower, group: group || undefined, state: s, reason };
}

const noticesOf = (events: EngineEvent[]): Notice[] => {
  const memory = ruleMemory();
  return events.flatMap((e) => noticeFor(e, memory) ?? []);
};

describe("one follower's state → its notice", () => {
  const rows: [string, EngineEvent, [Notice["kind"], string, string]][] = [
    [
      "a flat-by closes it out",
      state("DEMO2001", "LIQUIDATE_ONLY", FLAT_BY),
      ["closeOut", "main: flat by 15:55 CT", "main: flat by 15:55 CT: DEMO2001 being flattened and locked"],
    ],
    [
      "the flat-by's lock, once it is flat",
      state("DEMO2001", "LOCKED", FLAT_BY),
      ["locked", "main: flat by 15:55 CT", "main: flat by 15:55 CT: DEMO2001 flat and locked"],
    ],
    [
      "a blackout's flatten",
      state("DEMO2001", "LIQUIDATE_ONLY", "blackout: CPI"),
      ["closeOut", "main: blackout: CPI", "main: blackout: CPI: DEMO2001 being flattened and locked"],
    ],
    [
      "its own limit is about the follower",
      state("DEMO2001", "LIQUIDATE_ONLY", "daily loss -$1,000 reached"),
      ["closeOut", "DEMO2001", "DEMO2001: daily loss -$1,000 reached: liquidate only, flattening"],
    ],
    [
      "a lock by hand too",
      state("DEMO2001", "LOCKED", "manual"),
      ["locked", "DEMO2001", "DEMO2001: LOCKED (manual)"],
    ],
    [
      "a window's reason without a group (an old journal line) is the follower's own",
      state("DEMO2001", "LOCKED", FLAT_BY, ""),
      ["locked", "DEMO2001", "DEMO2001: LOCKED (flat by 15:55 CT)"],
    ],
  ];
  it.each(rows)("%s", (_name, event, [kind, subject, text]) => {
    const [n] = noticesOf([event]);
    expect([n?.kind, n?.subject, n?.text, n?.level]).toEqual([kind, subject, text, "warn"]);
  });
});

it("a flat-by's close-out is titled a close-out, not a risk close-out (no limit tripped)", () => {
  const [n] = noticesOf([state("DEMO2001", "LIQUIDATE_ONLY", FLAT_BY)]);
  expect(titleOf(n!)).toBe("mimik · Close-out");
});

describe("a batch's notices → its messages", () => {
  const rows: [string, EngineEvent[], string[]][] = [
    [
      "a flat-by closing out a group is one message naming how many and the first few",
      ["DEMO2001", "DEMO2002", "DEMO2003", "DEMO2004", "DEMO2005"].map((f) =>
        state(f, "LIQUIDATE_ONLY", FLAT_BY),
      ),
      [
        "main: flat by 15:55 CT: 5 followers (DEMO2001, DEMO2002, DEMO2003 and 2 more) being flattened and locked",
      ],
    ],
    [
      "a risk lock in the same moment keeps its own message, in its place",
      [
        state("DEMO2001", "LIQUIDATE_ONLY", FLAT_BY),
        state("DEMO2002", "LIQUIDATE_ONLY", "daily loss -$1,000 reached"),
        state("DEMO2003", "LIQUIDATE_ONLY", FLAT_BY),
      ],
      [
        "main: flat by 15:55 CT: 2 followers (DEMO2001, DEMO2003) being flattened and locked",
        "DEMO2002: daily loss -$1,000 reached: liquidate only, flattening",
      ],
    ],
    [
      "the close-out and the locks of one cause are two messages, as they are two kinds",
      [
        state("DEMO2001", "LIQUIDATE_ONLY", FLAT_BY),
        state("DEMO2002", "LIQUIDATE_ONLY", FLAT_BY),
        state("DEMO2001", "LOCKED", FLAT_BY),
        state("DEMO2002", "LOCKED", FLAT_BY),
      ],
      [
        "main: flat by 15:55 CT: 2 followers (DEMO2001, DEMO2002) being flattened and locked",
        "main: flat by 15:55 CT: 2 followers (DEMO2001, DEMO2002) flat and locked",
      ],
    ],
    [
      "each group and each cause is its own message",
      [
        state("DEMO2001", "LIQUIDATE_ONLY", FLAT_BY),
        state("APEX1", "LIQUIDATE_ONLY", FLAT_BY, "micro"),
        state("DEMO2002", "LIQUIDATE_ONLY", "blackout: CPI"),
        state("APEX2", "LIQUIDATE_ONLY", FLAT_BY, "micro"),
      ],
      [
        "main: flat by 15:55 CT: DEMO2001 being flattened and locked",
        "micro: flat by 15:55 CT: 2 followers (APEX1, APEX2) being flattened and locked",
        "main: blackout: CPI: DEMO2002 being flattened and locked",
      ],
    ],
  ];
  it.each(rows)("%s", (_name, events, texts) => {
    expect(coalesce(noticesOf(events)).map((n) => n.text)).toEqual(texts);
  });
});

describe("locks of one cause in later batches, within collapseSeconds", () => {
  it("the first goes at once; the rest are gathered and named once when the window ends, not counted as repeats", () => {
    const clock = new FakeClock();
    const sent: Notice[] = [];
    const collapser = new Collapser(60_000, clock, (n) => sent.push(n));
    const memory = ruleMemory();
    // Each follower locks when its flatten is done: a few per batch, over a few seconds.
    const batches = [["F0", "F1"], ["F2"], ["F3", "F4", "F5"], ["F6"]];
    for (const batch of batches) {
      const notices = batch.map((f) => noticeFor(state(f, "LOCKED", FLAT_BY), memory)!);
      for (const n of coalesce(notices)) collapser.offer(n);
      clock.advance(1000);
    }
    collapser.offer(noticeFor(state("DEMO2002", "LOCKED", "daily loss -$1,000 reached"), memory)!);
    expect(sent.map((n) => n.text)).toEqual([
      "main: flat by 15:55 CT: 2 followers (F0, F1) flat and locked",
      "DEMO2002: LOCKED (daily loss -$1,000 reached)",
    ]);
    clock.advance(60_000);
    expect(sent.map((n) => [n.text, n.repeats ?? 0])).toEqual([
      ["main: flat by 15:55 CT: 2 followers (F0, F1) flat and locked", 0],
      ["DEMO2002: LOCKED (daily loss -$1,000 reached)", 0],
      ["main: flat by 15:55 CT: 5 more followers (F2, F3, F4 and 2 others) flat and locked", 0],
    ]);
    // One more lock later (a login that was away syncs): a window of its own, at once.
    clock.advance(60_000);
    collapser.offer(noticeFor(state("F7", "LOCKED", FLAT_BY), memory)!);
    expect(sent.at(-1)?.text).toBe("main: flat by 15:55 CT: F7 flat and locked");
  });
});

describe("the notifier with 200 followers at a flat-by", () => {
  const phone = phoneEachTest();

  it("is a handful of messages, nothing dropped, and a risk lock and a lost connection among them still go", async () => {
    const { notifier: n, clock } = phone.notifier();
    const followers = Array.from({ length: 200 }, (_, i) => `F${i}`);
    for (const f of followers) n.push(state(f, "LIQUIDATE_ONLY", FLAT_BY));
    n.push(state("RISKY", "LIQUIDATE_ONLY", "daily loss -$1,000 reached"));
    await n.quiet();
    // The flattens end one by one: ten batches of twenty locks, the risk lock and a lost
    // connection among them.
    for (let b = 0; b < 10; b++) {
      for (const f of followers.slice(b * 20, b * 20 + 20)) n.push(state(f, "LOCKED", FLAT_BY));
      if (b === 4) n.push(state("RISKY", "LOCKED", "daily loss -$1,000 reached"));
      if (b === 6)
        n.push({
          type: "connectionStatus",
          at,
          connection: "sim",
          broker: "tradovate",
          state: "reconnecting",
        });
      await n.quiet();
      clock.advance(500);
    }
    for (let t = 0; t < 60; t++) {
      await n.quiet();
      clock.advance(1000);
    }
    await n.quiet();
    expect(phone.said()).toEqual([
      "main: flat by 15:55 CT: 200 followers (F0, F1, F2 and 197 more) being flattened and locked",
      "RISKY: daily loss -$1,000 reached: liquidate only, flattening",
      "main: flat by 15:55 CT: 20 followers (F0, F1, F2 and 17 more) flat and locked",
      "RISKY: LOCKED (daily loss -$1,000 reached)",
      "connection sim lost; reconnecting",
      "main: flat by 15:55 CT: 180 more followers (F20, F21, F22 and 177 others) flat and locked",
    ]);
  });
});
