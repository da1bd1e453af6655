import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type JournalEntry, parseEntry } from "../../data/journal/entry.js";
import { followJournal } from "../../data/journal/follow.js";
import { journalFiles } from "../../data/journal/paths.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { readLines, tempDir, waitFor } from "./helpers.js";

let cleanup: () => Promise<void>;
let path: string;
let controller: AbortController;

beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  path = join(dir, "j.jsonl");
  controller = new AbortController();
});
afterEach(async () => {
  controller.abort();
  await cleanup();
});

function start(opts: { fromStart?: boolean; follower?: string; afterSeq?: number } = {}) {
  const seen: JournalEntry[] = [];
  const done = followJournal(
    path,
    (e) => {
      seen.push(e);
    },
    { signal: controller.signal, pollMs: 10, ...opts },
  );
  return { seen, done };
}

describe("followJournal", () => {
  it("sees lines appended after it started, not the ones before", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "old" });
    await w.flush();
    const { seen, done } = start();
    // Whatever the file holds when the follower opens it counts as before: probe until one
    // probe comes through, so the lines below are written after the open, however slow it was.
    await waitFor(async () => {
      w.append({ type: "probe" });
      await w.flush();
      return seen.length > 0;
    });
    w.append({ type: "new1" });
    w.append({ type: "new2" });
    await w.flush();
    const types = () => seen.map((e) => e.type).filter((t) => t !== "probe");
    await waitFor(() => types().length >= 2);
    expect(types()).toEqual(["new1", "new2"]);
    await w.close();
    controller.abort();
    await done;
  });

  it("waits for a journal that does not exist yet, and filters", async () => {
    const { seen, done } = start({ follower: "F1" });
    const w = await JournalWriter.open(path);
    w.append({ type: "copy", follower: "F2" });
    w.append({ type: "copy", follower: "F1" });
    await w.close();
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ follower: "F1", seq: 2 });
    controller.abort();
    await done;
  });

  it("survives rotation without losing or repeating a line", async () => {
    const w = await JournalWriter.open(path, { maxBytes: 250, maxFiles: 10 });
    const { seen, done } = start({ fromStart: true });
    // "From the start" means the live file the follower opened: wait until it has, or a busy
    // machine lets the writer rotate past seq 1 first and the follower rightly starts later.
    w.append({ type: "copy", i: 0, pad: "p".repeat(40) });
    await w.flush();
    await waitFor(() => seen.length === 1);
    for (let i = 1; i < 12; i++) {
      w.append({ type: "copy", i, pad: "p".repeat(40) });
      if (i % 3 === 0) await w.flush();
    }
    await w.close();
    await waitFor(() => seen.length >= 12).catch(() => {
      throw new Error(JSON.stringify(seen.map((e) => e.seq)));
    });
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    controller.abort();
    await done;
  });

  it("from the start after a seq, reads what rotated out of the live file before it opened", async () => {
    // `mimik log --follow` reads the history, then follows after its last seq: a rotation in
    // between leaves the next lines in a rotated file, not the live one.
    const w = await JournalWriter.open(path, { maxBytes: 250, maxFiles: 10 });
    for (let i = 0; i < 6; i++) w.append({ type: "copy", i, pad: "p".repeat(40) });
    await w.close();
    const firstLive = parseEntry((await readLines(path))[0] ?? "")?.seq ?? 0;
    expect(firstLive).toBeGreaterThan(3);
    const { seen, done } = start({ fromStart: true, afterSeq: 1 });
    await waitFor(() => seen.length >= 5).catch(() => {
      throw new Error(`saw ${JSON.stringify(seen.map((e) => e.seq))}`);
    });
    expect(seen.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    controller.abort();
    await done;
  });

  it("after a seq whose next lines were deleted by rotation, reads the ones that are still there", async () => {
    const w = await JournalWriter.open(path, { maxBytes: 250, maxFiles: 3 });
    for (let i = 0; i < 8; i++) w.append({ type: "copy", i, pad: "p".repeat(40) });
    await w.close();
    const kept: number[] = [];
    for (const file of await journalFiles(path))
      for (const line of await readLines(file)) kept.push(parseEntry(line)?.seq ?? 0);
    expect(kept[0]).toBeGreaterThan(3); // seq 2 and 3 are gone with the oldest files
    const { seen, done } = start({ fromStart: true, afterSeq: 1 });
    await waitFor(() => seen.length >= kept.length).catch(() => {
      throw new Error(`saw ${JSON.stringify(seen.map((e) => e.seq))} of ${JSON.stringify(kept)}`);
    });
    expect(seen.map((e) => e.seq)).toEqual(kept);
    controller.abort();
    await done;
  });

  it("reads on only once the reader has taken the last entry, and still stops when aborted", async () => {
    const w = await JournalWriter.open(path);
    for (let i = 0; i < 3; i++) w.append({ type: "copy", i });
    await w.close();
    const seen: JournalEntry[] = [];
    let release = () => {};
    const done = followJournal(
      path,
      (e) => {
        seen.push(e);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      { signal: controller.signal, pollMs: 10, fromStart: true },
    );
    await waitFor(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 50)); // five polls: a follower that did not wait reads on
    expect(seen.length).toBe(1);
    release();
    await waitFor(() => seen.length === 2);
    controller.abort(); // the reader never takes the second: the abort still ends the follow
    await expect(done).resolves.toBeUndefined();
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
  });

  it("resolves promptly when aborted, even if the file was removed", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.close();
    const { done } = start();
    await rm(path);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });
});
