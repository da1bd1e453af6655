import { createHash } from "node:crypto";
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GENESIS_HASH, lineHash } from "../../data/journal/hash.js";
import { rotatedJournalPath } from "../../data/journal/paths.js";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalError, JournalWriter } from "../../data/journal/writer.js";
import { UserError } from "../../data/userError.js";
import type { Clock } from "../../engine/types.js";
import { readLines, tempDir, waitFor } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let path: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  path = join(dir, "journal", "main.jsonl");
});
afterEach(() => cleanup());

function parse(line: string): Record<string, unknown> {
  return JSON.parse(line) as Record<string, unknown>;
}

describe("JournalWriter", () => {
  it("writes {seq, at, type, ...payload, prev} lines chained from the genesis hash", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "copy", follower: "F1", qty: 2 });
    w.append({ type: "alert", message: "hi" });
    await w.close();
    const lines = await readLines(path);
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map(parse);
    expect(Object.keys(a!)).toEqual(["seq", "at", "type", "follower", "qty", "prev"]);
    expect(a).toMatchObject({ seq: 1, type: "copy", follower: "F1", qty: 2, prev: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, type: "alert", prev: lineHash(lines[0]!) });
    expect(Number.isNaN(Date.parse(String(a!.at)))).toBe(false);
  });

  it("keeps an engine event's own epoch time as the ISO `at`, and the writer owns seq and prev", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "copy", at: Date.UTC(2026, 10, 23, 14, 0, 0), seq: 99, prev: "forged" });
    await w.close();
    const [line] = (await readLines(path)).map(parse);
    expect(line).toMatchObject({ seq: 1, at: "2026-11-23T14:00:00.000Z", prev: GENESIS_HASH });
  });

  it("gives each line the ISO text of its own time, lines of the same millisecond and the next alike", async () => {
    const w = await JournalWriter.open(path);
    const t = Date.UTC(2026, 10, 23, 14, 0, 0);
    for (const at of [t, t, t + 1, t]) w.append({ type: "copy", at });
    await w.close();
    const ats = (await readLines(path)).map((l) => parse(l).at);
    expect(ats).toEqual([
      "2026-11-23T14:00:00.000Z",
      "2026-11-23T14:00:00.000Z",
      "2026-11-23T14:00:00.001Z",
      "2026-11-23T14:00:00.000Z",
    ]);
  });

  it("append returns synchronously and the timer flushes within 100 ms without an explicit flush", async () => {
    let scheduled: { fn: () => void; ms: number } | undefined;
    const clock: Clock = {
      now: () => 0,
      mono: () => 0,
      setTimeout: (fn, ms) => {
        scheduled = { fn, ms };
        return 1;
      },
      clearTimeout: () => {
        scheduled = undefined;
      },
    };
    const w = await JournalWriter.open(path, { clock });
    const result: unknown = w.append({ type: "copy" });
    expect(result).toBeUndefined(); // not a promise: the caller never waits
    w.append({ type: "copy" });
    expect(scheduled?.ms).toBeLessThanOrEqual(100);
    await expect(stat(path)).rejects.toThrow(); // nothing written yet: it is buffered
    scheduled!.fn();
    await waitFor(async () => (await readLines(path).catch(() => [])).length === 2);
    await w.close();
  });

  it("leaves entries made while a flush writes to the next flush, so a steady stream syncs once per interval", async () => {
    // Fills a few milliseconds apart kept one flush writing and syncing back to back (34 syncs a
    // second in the benchmark at one follower, against the 10 the interval means).
    let scheduled: (() => void) | undefined;
    const clock: Clock = {
      now: () => 0,
      mono: () => 0,
      setTimeout: (fn) => {
        scheduled = fn;
        return 1;
      },
      clearTimeout: () => {
        scheduled = undefined;
      },
    };
    const w = await JournalWriter.open(path, { clock });
    w.append({ type: "copy", i: 1 });
    const first = w.flush();
    // The flush is under way (opening the file) when the next entry comes and is serialised.
    await new Promise<void>((resolve) => setImmediate(resolve));
    w.append({ type: "copy", i: 2 });
    await new Promise<void>((resolve) => setImmediate(resolve));
    await first;
    expect((await readLines(path)).map((l) => parse(l).i)).toEqual([1]);
    expect(scheduled).toBeDefined();
    scheduled!();
    await waitFor(async () => (await readLines(path)).length === 2);
    await w.close();
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 2 });
  });

  it("flushes on its own with the real clock", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "copy" });
    await waitFor(async () => (await readLines(path).catch(() => [])).length === 1);
    await w.close();
  });

  it("close flushes everything still queued", async () => {
    const w = await JournalWriter.open(path);
    for (let i = 0; i < 50; i++) w.append({ type: "copy", i });
    await w.close();
    expect(await readLines(path)).toHaveLength(50);
  });

  it("drops appends after close and reports them", async () => {
    const onError = vi.fn();
    const w = await JournalWriter.open(path, { onError });
    await w.close();
    w.append({ type: "late" });
    expect(onError).toHaveBeenCalledWith(expect.any(JournalError));
  });

  it("continues seq and the hash chain across a restart", async () => {
    const w1 = await JournalWriter.open(path);
    w1.append({ type: "a" });
    w1.append({ type: "b" });
    await w1.close();
    const w2 = await JournalWriter.open(path);
    w2.append({ type: "c" });
    await w2.close();
    const lines = await readLines(path);
    expect(parse(lines[2]!)).toMatchObject({ seq: 3, type: "c", prev: lineHash(lines[1]!) });
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 3 });
  });

  it("rotates by size and carries the chain into the new file", async () => {
    const w = await JournalWriter.open(path, { maxBytes: 700, maxFiles: 3 });
    for (let i = 0; i < 6; i++) w.append({ type: "copy", note: "x".repeat(60), i });
    await w.close();
    const rotated = await readLines(rotatedJournalPath(path, 1));
    const live = await readLines(path);
    expect(rotated.length).toBeGreaterThan(0);
    expect(live.length).toBeGreaterThan(0);
    expect(parse(live[0]!).prev).toBe(lineHash(rotated[rotated.length - 1]!));
    expect((await stat(path)).size).toBeLessThanOrEqual(700);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 6 });
  });

  it("keeps at most maxFiles rotated files and the rest still verifies", async () => {
    const w = await JournalWriter.open(path, { maxBytes: 200, maxFiles: 2 });
    for (let i = 0; i < 20; i++) {
      w.append({ type: "copy", note: "y".repeat(60), i });
      await w.flush();
    }
    await w.close();
    const names = (await readdir(join(dir, "journal"))).sort();
    expect(names).toEqual(["main.1.jsonl", "main.2.jsonl", "main.anchor.json", "main.jsonl"]);
    const result = await verifyJournal(path, { maxFiles: 2 });
    expect(result.ok).toBe(true);
  });

  it("continues the chain from the rotated file when restarted right after a rotation", async () => {
    const w1 = await JournalWriter.open(path, { maxBytes: 150 });
    w1.append({ type: "a", note: "z".repeat(60) });
    w1.append({ type: "b", note: "z".repeat(60) });
    await w1.close();
    // Simulate a crash between the rename and the first write of the new live file.
    await rename(rotatedJournalPath(path, 1), rotatedJournalPath(path, 2));
    await rename(path, rotatedJournalPath(path, 1));
    const w2 = await JournalWriter.open(path, { maxBytes: 150 });
    w2.append({ type: "c" });
    await w2.close();
    expect(parse((await readLines(path))[0]!)).toMatchObject({ seq: 3 });
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 3 });
  });

  it("sets a torn last line aside at restart, keeps its bytes in a .torn file and records that in the chain", async () => {
    const w1 = await JournalWriter.open(path);
    w1.append({ type: "a" });
    await w1.close();
    const torn = '{"seq":2,"at":"2026-';
    await appendFile(path, torn);
    const w2 = await JournalWriter.open(path);
    w2.append({ type: "b" });
    await w2.close();
    const lines = (await readLines(path)).map(parse);
    expect(lines.map((l) => l.type)).toEqual(["a", "journalRepaired", "b"]);
    expect(lines[1]).toMatchObject({
      reason: "incomplete last line (no newline) set aside",
      bytes: torn.length,
      tornFile: "main.jsonl.torn",
      tornOffset: 0,
      sha256: createHash("sha256").update(torn).digest("hex"),
    });
    expect(await readFile(`${path}.torn`, "utf8")).toBe(torn);
    expect(w2.notes).toEqual([
      `journal ${path}: incomplete last line (no newline) set aside (20 bytes kept in main.jsonl.torn)`,
    ]);
    expect(await verifyJournal(path)).toMatchObject({
      ok: true,
      lines: 3,
      notes: [expect.stringMatching(/^seq 2 .*set aside at a start, kept in main.jsonl.torn$/)],
    });
  });

  it("sets aside a complete last line that is not an entry (garbage after a crash) and goes on", async () => {
    const w1 = await JournalWriter.open(path);
    w1.append({ type: "a" });
    await w1.close();
    await appendFile(path, "\u0000\u0000garbage\n");
    const w2 = await JournalWriter.open(path);
    w2.append({ type: "b" });
    await w2.close();
    const lines = (await readLines(path)).map(parse);
    expect(lines.map((l) => l.type)).toEqual(["a", "journalRepaired", "b"]);
    expect(lines[1]).toMatchObject({ reason: "unreadable last line set aside", bytes: 10 });
    expect(await readFile(`${path}.torn`, "utf8")).toBe("\u0000\u0000garbage\n");
    // The garbage came after the last anchored line: nothing that was written is missing.
    expect(await verifyJournal(path)).toMatchObject({ ok: true, lines: 3 });
  });

  it("sets aside a journal whose only line is garbage", async () => {
    await mkdir(join(dir, "journal"));
    await writeFile(path, "garbage\n");
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.close();
    expect((await readLines(path)).map((l) => parse(l).type)).toEqual(["journalRepaired", "a"]);
  });

  it("refuses to continue after two last lines that are not entries, naming the exact fix", async () => {
    await mkdir(join(dir, "journal"));
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.close();
    await appendFile(path, "garbage\nmore garbage\n");
    const failure = JournalWriter.open(path);
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(JournalWriter.open(path)).rejects.toThrow(
      `the last two lines of ${path} are not journal entries`,
    );
    await expect(JournalWriter.open(path)).rejects.toThrow(`mv ${path} ${path}.damaged`);
    // Following that fix lets it start, and the chain records what went missing.
    await rename(path, `${path}.damaged`);
    const after = await JournalWriter.open(path);
    after.append({ type: "b" });
    await after.close();
    expect((await readLines(path)).map((l) => parse(l).type)).toEqual(["journalAnchor", "b"]);
    expect(await verifyJournal(path)).toMatchObject({ ok: false, reason: /truncated/ });
  });

  it("names a free name for the damaged file, never one an earlier damaged file is kept under", async () => {
    await mkdir(join(dir, "journal"));
    await writeFile(`${path}.damaged`, "an earlier damaged journal");
    await writeFile(path, "garbage\nmore garbage\n");
    await expect(JournalWriter.open(path)).rejects.toThrow(`mv ${path} ${path}.damaged.1 —`);
  });

  it("never writes secret-named keys, at any depth", async () => {
    const w = await JournalWriter.open(path);
    w.append({
      type: "connectionStatus",
      password: "hunter2",
      accessToken: "tok-1",
      nested: { secret: "s3", Token: "t", sec: "x", keep: 1, list: [{ password: "p", ok: true }] },
    });
    await w.close();
    const text = (await readLines(path))[0]!;
    for (const secret of ["hunter2", "tok-1", "s3", '"t"', '"x"', '"p"']) expect(text).not.toContain(secret);
    expect(parse(text)).toMatchObject({ nested: { keep: 1, list: [{ ok: true }] } });
  });

  it("never writes an API key (ProjectX's login secret), however it is spelled or nested", async () => {
    const w = await JournalWriter.open(path);
    w.append({
      type: "connectionStatus",
      apiKey: "pxk-top-1",
      login: { userName: "u", APIKEY: "pxk-top-2" },
      list: [{ apikey: "pxk-top-3", ok: true }],
    });
    await w.close();
    const text = (await readLines(path))[0]!;
    for (const secret of ["pxk-top-1", "pxk-top-2", "pxk-top-3"]) expect(text).not.toContain(secret);
    expect(parse(text)).toMatchObject({ login: { userName: "u" }, list: [{ ok: true }] });
  });

  it("keeps its place in the chain when an entry cannot be serialised", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "weird", big: 10n });
    w.append({ type: "fine" });
    await w.close();
    const lines = (await readLines(path)).map(parse);
    expect(lines[0]).toMatchObject({
      seq: 1,
      type: "weird",
      error: expect.stringContaining("unserialisable"),
    });
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 2 });
  });

  it("keeps lines queued when the disk refuses, and writes them once it can", async () => {
    const w = await JournalWriter.open(path);
    await rm(join(dir, "journal"), { recursive: true });
    await mkdir(path, { recursive: true }); // a directory where the file should be: appends fail
    w.append({ type: "a" });
    await expect(w.flush()).rejects.toThrow();
    await rm(path, { recursive: true });
    w.append({ type: "b" });
    await w.close();
    expect((await readLines(path)).map((l) => parse(l).type)).toEqual(["a", "b"]);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 2 });
  });
});
