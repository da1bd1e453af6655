import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JournalEntry } from "../../data/journal/index.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { restoreUnsavedLocks } from "../../src/process/engineThread/unsavedLocks.js";
import { tempDir } from "../data/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

function shown(follower: string, fields: Record<string, unknown>): [string, JournalEntry] {
  return [
    follower,
    { seq: 1, at: "2026-12-02T15:00:00.000Z", type: "followerState", prev: "x", follower, ...fields },
  ];
}

describe("restoreUnsavedLocks", () => {
  it("locks again only what the journal last showed locked and not on disk", async () => {
    const state = await RuntimeStateRepository.open(join(dir, "config.state.json"));
    await state.saveFollower("SAVED", { state: "LOCKED", lockKind: "daily", lockReason: "daily loss limit" });
    await state.saveFollower("LOST", { state: "ACTIVE", highWaterMark: 51_000 });
    const notes = await restoreUnsavedLocks(
      state,
      new Map([
        shown("LOST", { state: "LOCKED", reason: "daily loss limit: day P&L -$600.00", unsaved: true }),
        shown("FLATTENING", { state: "LIQUIDATE_ONLY", reason: "manual", unsaved: true }),
        // A kind this mimik does not know is no kind: a lock by hand, the one that never lifts by itself.
        shown("ODD", { state: "LOCKED", reason: "odd", lockKind: "lunch", unsaved: true }),
        shown("WINDOW", {
          state: "LOCKED",
          reason: "flat by 15:55",
          lockKind: "window",
          lockedAt: 1_000,
          unsaved: true,
        }),
        // Its lock on disk is kept as it is.
        shown("SAVED", { state: "LOCKED", reason: "manual", unsaved: true }),
        // On disk by the time mimik stopped: the line after the failure says so.
        shown("RETRIED", { state: "LOCKED", reason: "manual" }),
        // Only a high-water mark was off disk.
        shown("MARK", { state: "ACTIVE", unsaved: true }),
        // The broker's lock over an ACTIVE record is not mimik's to keep.
        shown("BROKER", { state: "LOCKED", reason: "broker lock", unsaved: true }),
      ]),
    );
    expect(notes).toEqual([
      expect.stringMatching(
        /^LOST was locked \(daily loss limit: day P&L -\$600.00\) when mimik last stopped/,
      ),
      expect.stringMatching(/^FLATTENING was locked \(manual\).* locked again, by hand \(the journal line/),
      expect.stringMatching(/^ODD was locked \(odd\).* locked again, by hand/),
      expect.stringMatching(
        /^WINDOW was locked .* locked again as it was: a trading window's lock, which lifts when its window opens again$/,
      ),
    ]);
    await state.close();
    const reopened = await RuntimeStateRepository.open(join(dir, "config.state.json"));
    expect(reopened.read().followers).toEqual({
      SAVED: { state: "LOCKED", lockKind: "daily", lockReason: "daily loss limit" },
      LOST: {
        state: "LOCKED",
        lockKind: "manual",
        lockReason: "daily loss limit: day P&L -$600.00",
        lockedAt: Date.parse("2026-12-02T15:00:00.000Z"),
        highWaterMark: 51_000,
      },
      FLATTENING: {
        state: "LIQUIDATE_ONLY",
        lockKind: "manual",
        lockReason: "manual",
        lockedAt: Date.parse("2026-12-02T15:00:00.000Z"),
      },
      ODD: {
        state: "LOCKED",
        lockKind: "manual",
        lockReason: "odd",
        lockedAt: Date.parse("2026-12-02T15:00:00.000Z"),
      },
      WINDOW: { state: "LOCKED", lockKind: "window", lockReason: "flat by 15:55", lockedAt: 1_000 },
    });
    await reopened.close();
  });
});
