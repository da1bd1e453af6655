/**
 * One wording per cause. A leader fill skipped because the follower's group is paused read
 * "group inactive" in the journal, the fills pane, headless lines and `mimik report`, while the
 * console's `r` and `mimik pause` said "paused"; a follower switched off read "follower disabled"
 * in one place and "follower off" in another. Each cause now has one wording everywhere, and a
 * journal written with the old one reads in today's (`mimik log`, `mimik report`).
 */
import { describe, expect, it } from "vitest";
import { formatEntry } from "../../data/journal/format.js";
import type { JournalEntry } from "../../data/journal/index.js";
import { decide } from "../../engine/copier/decide.js";
import type { GateContext } from "../../engine/copier/gates.js";
import { type CopyEvent, reasonNow } from "../../engine/index.js";
import { describeEvent } from "../../src/headless/format.js";
import { buildReport } from "../../src/report/build.js";
import { copyFact } from "../../src/report/journalFacts.js";
import { inSyncWhy } from "../../src/screen/viewModel.js";
import { broker, config, range } from "../report/fixture.js";

const gate: GateContext = {
  groupActive: true,
  followerEnabled: true,
  connected: true,
  state: "ACTIVE",
  brokerLocked: false,
  whitelist: { enabled: false, symbols: [] },
  leaderContract: "ESZ6",
};

/** Each cause: the gate that says it, its one wording, the words old journals carry for it, the console's line. */
const CAUSES = [
  {
    cause: "the group paused",
    gate: { groupActive: false },
    words: "group paused",
    retired: ["group inactive"],
    console: inSyncWhy({ enabled: true, state: "ACTIVE" }, { active: false }),
  },
  {
    cause: "the follower switched off",
    gate: { followerEnabled: false },
    words: "follower disabled",
    retired: [],
    console: inSyncWhy({ enabled: false, state: "ACTIVE" }, { active: true }),
  },
] as const;

const journaled = (reason: string, seq: number): JournalEntry => ({
  seq,
  at: "2026-11-27T15:30:00Z",
  type: "copy",
  prev: "",
  group: "main",
  follower: "DEMO2001",
  fillId: 100 + seq,
  contract: "ESZ6",
  outcome: "skipped",
  reason,
});

describe.each(CAUSES)("a leader opening skipped for $cause", ({ gate: patch, words, retired, console }) => {
  const decision = decide({
    gate: { ...gate, ...patch },
    sizing: { mode: "multiplier", value: 1 },
    follower: 0,
    leaderBefore: 0,
    leaderAfter: 2,
    firstOpeningFillOfOrder: true,
  });

  it(`is decided, journaled and said live as "${words}"`, () => {
    expect(decision).toMatchObject({ action: "skip", reason: words });
    const live: CopyEvent = {
      type: "copy",
      at: 0,
      group: "main",
      follower: "DEMO2001",
      fillId: 101,
      contract: "ESZ6",
      outcome: "skipped",
      reason: decision.reason,
    };
    expect(describeEvent(live)).toBe(`COPY  DEMO2001 skipped ESZ6: ${words}`);
    expect(formatEntry(journaled(decision.reason, 1))).toMatch(new RegExp(`\\(${words}\\)$`));
  });

  it("says it on the console in the same words", () => {
    expect(console.startsWith(`${words}: `)).toBe(true);
  });

  it.each([words, ...retired])(
    'an entry journaled as "%s" reads in today\'s words (mimik log, mimik report)',
    (old) => {
      expect(reasonNow(old)).toBe(words);
      expect(formatEntry(journaled(old, 1))).toMatch(new RegExp(`\\(${words}\\)$`));
      expect(copyFact(journaled(old, 1))?.reason).toBe(words);
    },
  );

  it("is one row of the report, old journal lines and new together", () => {
    const journal = [words, ...retired].map((r, i) => journaled(r, i + 1));
    const report = buildReport({ range, config, journal, broker });
    const follower = report.groups[0]?.followers.find((f) => f.account === "DEMO2001");
    expect(follower?.copy?.skips).toEqual({ [words]: journal.length });
  });
});

describe("reasonNow", () => {
  it("leaves every other reason as it is (a name of Object's prototype too)", () => {
    expect(reasonNow("not whitelisted")).toBe("not whitelisted");
    expect(reasonNow("constructor")).toBe("constructor");
  });
});
