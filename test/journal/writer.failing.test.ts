import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalWriter } from "../../data/journal/writer.js";
import type { Clock } from "../../engine/types.js";
import { freshJournalPath, readLines, waitFor } from "./helpers.js";

let path: string;
freshJournalPath((p) => {
  path = p;
});

/** A clock whose timers run only when the test says: each retry of a flush is one call. */
function steppedClock() {
  let due: (() => void) | undefined;
  const clock: Clock = {
    now: () => Date.parse("2026-12-02T15:00:00.000Z"),
    mono: () => 0,
    setTimeout: (fn) => {
      due = fn;
      return 1;
    },
    clearTimeout: () => {
      due = undefined;
    },
  };
  return {
    clock,
    /** Runs the flush (or retry) that is due. */
    tick: () => {
      const fn = due;
      due = undefined;
      fn?.();
      return fn !== undefined;
    },
    pending: () => due !== undefined,
  };
}

describe("JournalWriter when the disk keeps refusing", () => {
  it("says so once, with why and what waits, not at every retry; and says when the lines are written again", async () => {
    const { clock, tick, pending } = steppedClock();
    const errors: string[] = [];
    const recovered: string[] = [];
    const w = await JournalWriter.open(path, {
      clock,
      onError: (error) => errors.push(String(error)),
      onRecovered: (message) => recovered.push(message),
    });
    // A directory where the file should be: every append fails the same way.
    await mkdir(path);
    w.append({ type: "a" });
    w.append({ type: "b" });
    for (let retry = 0; retry < 5; retry++) {
      expect(tick()).toBe(true);
      await waitFor(pending);
    }
    expect(errors).toEqual([
      expect.stringMatching(
        /^JournalError: journal .*main\.jsonl not written: .+; its 2 newest lines wait in memory and are written as soon as it can/,
      ),
    ]);
    expect(recovered).toEqual([]);
    await rm(path, { recursive: true });
    tick();
    await waitFor(() => recovered.length > 0);
    expect(recovered).toEqual([expect.stringMatching(/main\.jsonl written again/)]);
    await w.close();
    expect((await readLines(path)).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(["a", "b"]);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 2 });
  });

  it("makes the journal folder again when it was removed (a trader freeing a full disk), and the lines go on", async () => {
    const errors: unknown[] = [];
    const w = await JournalWriter.open(path, { onError: (error) => errors.push(error) });
    w.append({ type: "a" });
    await w.flush();
    await rm(dirname(path), { recursive: true });
    w.append({ type: "b" });
    await w.flush();
    w.append({ type: "c" });
    await w.close();
    expect(errors).toEqual([]);
    const lines = (await readLines(path)).map((l) => JSON.parse(l) as { seq: number; type: string });
    expect(lines.map((l) => [l.seq, l.type])).toEqual([
      [2, "b"],
      [3, "c"],
    ]);
  });

  it("at close, says how many lines are lost and which, rather than the bare error", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.flush();
    await rm(path);
    await mkdir(path);
    w.append({ type: "b" });
    w.append({ type: "c" });
    await expect(w.close()).rejects.toThrow(
      /main\.jsonl: 2 lines \(seq 2 to 3\) could not be written before it closed \(.+\) and are lost/,
    );
  });
});
