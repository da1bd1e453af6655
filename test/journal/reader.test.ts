import { appendFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JournalEntry } from "../../data/journal/entry.js";
import { journalFiles, journalPathFor, rotatedJournalPath } from "../../data/journal/paths.js";
import { leaderFillKeys, readJournal } from "../../data/journal/reader.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { tempDir } from "./helpers.js";

let cleanup: () => Promise<void>;
let path: string;

beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  path = join(dir, "j.jsonl");
});
afterEach(() => cleanup());

async function collect(iter: AsyncIterable<JournalEntry>): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const e of iter) out.push(e);
  return out;
}

const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

async function seed(opts: { maxBytes?: number } = {}): Promise<void> {
  const w = await JournalWriter.open(path, opts);
  w.append({ type: "leaderFill", at: T0, leader: "L", key: "sim:1", fillId: 1 });
  w.append({ type: "copy", at: T0 + 1000, follower: "F1", outcome: "sent" });
  w.append({ type: "copy", at: T0 + 2000, follower: "F2", outcome: "skipped" });
  w.append({ type: "leaderFill", at: T0 + 3000, leader: "L", key: "sim:2", fillId: 2 });
  w.append({ type: "followerState", at: T0 + 4000, follower: "F1", state: "LOCKED" });
  await w.close();
}

describe("readJournal", () => {
  it("reads everything in order across rotated files", async () => {
    await seed({ maxBytes: 300 });
    const entries = await collect(readJournal(path));
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    await expect(appendFile(rotatedJournalPath(path, 1), "")).resolves.toBeUndefined(); // rotation happened
  });

  it("a rotation in the middle of a read skips nothing: the files are the ones of the read's start", async () => {
    await seed({ maxBytes: 300 });
    const reading = readJournal(path);
    const first = await reading.next();
    expect(first.value?.seq).toBe(1);
    // The writer rotates while the reader is in the oldest file: every file moves one name back.
    const rotated = (await journalFiles(path)).length - 1;
    expect(rotated).toBeGreaterThanOrEqual(1);
    for (let n = rotated; n >= 1; n--)
      await rename(rotatedJournalPath(path, n), rotatedJournalPath(path, n + 1));
    await rename(path, rotatedJournalPath(path, 1));
    await writeFile(path, "");
    const rest = await collect({ [Symbol.asyncIterator]: () => reading });
    expect([1, ...rest.map((e) => e.seq)]).toEqual([1, 2, 3, 4, 5]);
  });

  it("filters by follower, types and since", async () => {
    await seed();
    expect((await collect(readJournal(path, { follower: "F1" }))).map((e) => e.seq)).toEqual([2, 5]);
    expect((await collect(readJournal(path, { types: ["leaderFill"] }))).map((e) => e.seq)).toEqual([1, 4]);
    const since = new Date(T0 + 2000);
    expect((await collect(readJournal(path, { since }))).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await collect(readJournal(path, { since, follower: "F2", types: ["copy"] }))).toHaveLength(1);
  });

  it("skips bad lines, reports them, and yields nothing for a missing journal", async () => {
    await seed();
    await appendFile(path, "oops\n");
    const bad: number[] = [];
    const entries = await collect(readJournal(path, { onBadLine: (_f, line) => bad.push(line) }));
    expect(entries).toHaveLength(5);
    expect(bad).toEqual([6]);
    expect(await collect(readJournal(join(path, "..", "none.jsonl")))).toEqual([]);
  });
});

describe("leaderFillKeys", () => {
  it("collects the key of every leaderFill entry, across rotation and restarts", async () => {
    await seed({ maxBytes: 300 });
    const w = await JournalWriter.open(path, { maxBytes: 300 });
    w.append({ type: "leaderFill", key: "sim:3" });
    w.append({ type: "copy", key: "not-a-fill" });
    await w.close();
    expect(await leaderFillKeys(path)).toEqual(new Set(["sim:1", "sim:2", "sim:3"]));
  });

  it("collects the key of every bust too: a restart never journals a bust twice", async () => {
    await seed();
    const w = await JournalWriter.open(path);
    w.append({ type: "bust", account: "L", fillId: 2, key: "bust:sim:2" });
    await w.close();
    expect(await leaderFillKeys(path)).toEqual(new Set(["sim:1", "sim:2", "bust:sim:2"]));
  });
});

describe("journalPathFor", () => {
  it("puts the journal in a folder beside the config, named after it", () => {
    expect(journalPathFor("/home/t/.config/mimik/config.json")).toBe(
      "/home/t/.config/mimik/journal/config.jsonl",
    );
    expect(rotatedJournalPath("/x/journal/config.jsonl", 2)).toBe("/x/journal/config.2.jsonl");
  });
});
