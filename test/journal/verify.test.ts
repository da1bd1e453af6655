import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { journalFiles, rotatedJournalPath } from "../../data/journal/paths.js";
import { verifyJournal } from "../../data/journal/verify.js";
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

async function writeEntries(n: number, opts: { maxBytes?: number } = {}): Promise<void> {
  const w = await JournalWriter.open(path, opts);
  for (let i = 1; i <= n; i++) w.append({ type: "copy", follower: `F${i}`, qty: i });
  await w.close();
}

async function editLines(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(file, "utf8")).split("\n").slice(0, -1);
  await writeFile(file, `${edit(lines).join("\n")}\n`);
}

describe("verifyJournal", () => {
  it("accepts an untouched journal and counts its lines", async () => {
    await writeEntries(5);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 5 });
  });

  it("accepts a journal that does not exist yet as empty", async () => {
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 0 });
  });

  it("catches an edited line at the line after it", async () => {
    await writeEntries(5);
    await editLines(path, (lines) => lines.map((l, i) => (i === 1 ? l.replace('"qty":2', '"qty":20') : l)));
    expect(await verifyJournal(path)).toMatchObject({ ok: false, file: path, line: 3, reason: /prev hash/ });
  });

  it("catches a deleted line at the line that followed it", async () => {
    await writeEntries(5);
    await editLines(path, (lines) => lines.filter((_, i) => i !== 2));
    expect(await verifyJournal(path)).toMatchObject({ ok: false, file: path, line: 3, reason: /prev hash/ });
  });

  it("catches a deleted first line (the chain no longer starts at seq 1 from genesis)", async () => {
    await writeEntries(3);
    await editLines(path, (lines) => lines.slice(1));
    // seq 2 is the oldest line left, its successors still chain, and no rotation deleted seq 1.
    expect(await verifyJournal(path)).toMatchObject({
      ok: false,
      file: path,
      line: 1,
      reason:
        "the journal starts at seq 2, but no rotation has deleted lines yet (0 rotated files kept): the first line was removed, or a file holding them",
    });
    await editLines(path, (lines) => [lines[0]!.replace('"seq":2', '"seq":1'), ...lines.slice(1)]);
    expect(await verifyJournal(path)).toMatchObject({ ok: false, line: 1, reason: /genesis/ });
  });

  it("catches the oldest rotated file deleted before any rotation deleted lines", async () => {
    await writeEntries(8, { maxBytes: 500 });
    const files = await journalFiles(path);
    expect(files.length).toBeGreaterThan(2);
    await rm(files[0]!);
    expect(await verifyJournal(path)).toMatchObject({
      ok: false,
      file: files[1],
      line: 1,
      reason:
        /^the journal starts at seq \d+, but no rotation has deleted lines yet \(\d rotated files kept\): the first \d+ lines were removed/,
    });
  });

  it("accepts the lines rotation deleted itself, once it keeps its maxFiles rotated files", async () => {
    const w = await JournalWriter.open(path, { maxBytes: 200, maxFiles: 2 });
    for (let i = 0; i < 12; i++) {
      w.append({ type: "copy", note: "y".repeat(60), i });
      await w.flush();
    }
    await w.close();
    const result = await verifyJournal(path, { maxFiles: 2 });
    expect(result.ok).toBe(true);
    // Its oldest file (journal.2) deleted by hand: the lines before journal.1's are missing.
    await rm(rotatedJournalPath(path, 2));
    expect(await verifyJournal(path, { maxFiles: 2 })).toMatchObject({
      ok: false,
      file: rotatedJournalPath(path, 1),
    });
  });

  it("catches bad JSON and points at that line", async () => {
    await writeEntries(4);
    await editLines(path, (lines) => lines.map((l, i) => (i === 2 ? "{not json" : l)));
    expect(await verifyJournal(path)).toMatchObject({ ok: false, line: 3, reason: "not valid JSON" });
  });

  it("catches a seq gap even when the hash chain is intact", async () => {
    await writeEntries(2);
    await editLines(path, (lines) => [lines[0]!, lines[1]!.replace('"seq":2', '"seq":3')]);
    expect(await verifyJournal(path)).toMatchObject({
      ok: false,
      line: 2,
      reason: /seq 3 does not follow 1/,
    });
  });

  it("notes an unterminated last line (a write in progress, or a crash) without calling the chain broken", async () => {
    await writeEntries(2);
    await appendFile(path, '{"seq":3');
    expect(await verifyJournal(path)).toEqual({
      ok: true,
      lines: 2,
      notes: [`${path} line 3 is incomplete (no newline): a write in progress, or a crash`],
    });
  });

  it("follows the chain across rotated files and names the broken file", async () => {
    await writeEntries(8, { maxBytes: 500 });
    const older = rotatedJournalPath(path, 1);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 8 });
    // Edit the last line of the rotated file: the break shows on line 1 of the live file.
    await editLines(older, (lines) =>
      lines.map((l, i) => (i === lines.length - 1 ? l.replace("copy", "kopy") : l)),
    );
    expect(await verifyJournal(path)).toMatchObject({ ok: false, file: path, line: 1 });
  });

  it("points inside a rotated file when the damage is there", async () => {
    await writeEntries(8, { maxBytes: 500 });
    const older = rotatedJournalPath(path, 1);
    await editLines(older, (lines) => lines.map((l, i) => (i === 0 ? l.replace("copy", "kopy") : l)));
    expect(await verifyJournal(path)).toMatchObject({ ok: false, file: older, line: 2 });
  });
});
