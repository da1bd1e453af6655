import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { anchorPathFor, readAnchor } from "../../data/journal/anchor.js";
import { GENESIS_HASH, lineHash } from "../../data/journal/hash.js";
import { rotatedJournalPath } from "../../data/journal/paths.js";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { freshJournalPath, readLines } from "./helpers.js";

let path: string;
freshJournalPath((p) => {
  path = p;
});

async function writeEntries(n: number, opts: { maxBytes?: number } = {}): Promise<void> {
  const w = await JournalWriter.open(path, opts);
  for (let i = 1; i <= n; i++) w.append({ type: "copy", follower: `F${i}`, qty: i });
  await w.close();
}

async function lines(file = path): Promise<string[]> {
  return readLines(file);
}

async function setLines(list: string[], file = path): Promise<void> {
  await writeFile(file, list.length > 0 ? `${list.join("\n")}\n` : "");
}

/** Re-chains lines after an edit, as someone hiding the edit would: every prev recomputed. */
function rehash(list: string[]): string[] {
  const out: string[] = [];
  let prev = GENESIS_HASH;
  for (const line of list) {
    const value = JSON.parse(line) as Record<string, unknown>;
    const text = JSON.stringify({ ...value, prev });
    out.push(text);
    prev = lineHash(text);
  }
  return out;
}

describe("the journal anchor", () => {
  it("names the last line written after every flush: seq, its hash and its prev", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.flush();
    let [first] = await lines();
    expect(await readAnchor(path)).toEqual({
      kind: "ok",
      anchor: { seq: 1, hash: lineHash(first!), prev: GENESIS_HASH },
    });
    w.append({ type: "b" });
    await w.close();
    const all = await lines();
    [first] = all;
    expect(await readAnchor(path)).toEqual({
      kind: "ok",
      anchor: { seq: 2, hash: lineHash(all[1]!), prev: lineHash(first!) },
    });
    const onDisk = JSON.parse(await readFile(anchorPathFor(path), "utf8")) as Record<string, unknown>;
    expect(onDisk.version).toBe(1);
  });

  it("is one record of fixed size, overwritten in place, owner-only", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.flush();
    const before = await stat(anchorPathFor(path));
    expect(before.size).toBe(256);
    expect(before.mode & 0o777).toBe(0o600);
    for (let i = 0; i < 3; i++) {
      w.append({ type: "b", n: 10 ** (i * 6) });
      await w.flush();
    }
    await w.close();
    const after = await stat(anchorPathFor(path));
    expect(after.ino).toBe(before.ino);
    expect(after.size).toBe(256);
    expect(await readAnchor(path)).toMatchObject({ kind: "ok", anchor: { seq: 4 } });
  });

  it("replaces an older or longer anchor file whole: nothing of it is read back", async () => {
    await writeEntries(2);
    // An anchor as older mimiks wrote it (shorter), then a long one with junk after its first line.
    await writeFile(anchorPathFor(path), `${JSON.stringify({ version: 1, seq: 2, hash: "x", prev: "y" })}\n`);
    await writeEntries(1);
    expect(await readAnchor(path)).toMatchObject({ kind: "ok", anchor: { seq: 4 } });
    await writeFile(anchorPathFor(path), `${"{}".padEnd(255)}\n${"junk ".repeat(200)}`);
    await writeEntries(1);
    expect(await readAnchor(path)).toMatchObject({ kind: "ok", anchor: { seq: 6 } });
  });

  it("keeps working across rotation", async () => {
    await writeEntries(12, { maxBytes: 700 });
    expect(await lines(rotatedJournalPath(path, 1))).not.toEqual([]);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 12 });
    expect(await readAnchor(path)).toMatchObject({ kind: "ok", anchor: { seq: 12 } });
  });
});

describe("verifyJournal against the anchor", () => {
  it("catches a cut tail, which leaves a valid chain", async () => {
    await writeEntries(5);
    await setLines((await lines()).slice(0, 3));
    expect(await verifyJournal(path)).toEqual({
      ok: false,
      reason:
        "truncated: the journal ends at seq 3 but 5 lines were written, so the last 2 lines are missing",
    });
  });

  it("catches a cut tail that took whole files (the live file deleted after a rotation)", async () => {
    await writeEntries(12, { maxBytes: 700 });
    await rm(path);
    expect(await verifyJournal(path)).toMatchObject({
      ok: false,
      reason: /^truncated: the journal ends at seq \d+ but 12 lines/,
    });
  });

  it("catches an edited last line, which no later line vouches for", async () => {
    await writeEntries(5);
    const list = await lines();
    list[4] = list[4]!.replace('"qty":5', '"qty":50');
    await setLines(list);
    expect(await verifyJournal(path)).toEqual({
      ok: false,
      reason: "the last line (seq 5) was edited after it was written",
    });
  });

  it("catches a chain rewritten with recomputed hashes", async () => {
    await writeEntries(5);
    const list = await lines();
    list[2] = list[2]!.replace('"qty":3', '"qty":30');
    await setLines(rehash(list));
    expect(await verifyJournal(path)).toEqual({
      ok: false,
      reason:
        "chain rewritten: the last line (seq 5) and the lines before it were changed and their hashes recomputed",
    });
  });

  it("accepts lines written after the anchor (a running mimik) when the anchored line is intact", async () => {
    await writeEntries(3);
    const anchor = await readFile(anchorPathFor(path), "utf8");
    await writeEntries(2);
    await writeFile(anchorPathFor(path), anchor);
    expect(await verifyJournal(path)).toEqual({
      ok: true,
      lines: 5,
      notes: ["2 lines after the anchor (seq 3): written by a running mimik, or just before it stopped"],
    });
    // …but not when the anchored line itself was changed since.
    const list = await lines();
    list[2] = list[2]!.replace('"qty":3', '"qty":30');
    await setLines(rehash(list));
    expect(await verifyJournal(path)).toMatchObject({
      ok: false,
      reason: /^chain rewritten: line \(seq 3\)/,
    });
  });

  it("says when there is no anchor to check the end against (a journal from an older mimik)", async () => {
    await writeEntries(2);
    await rm(anchorPathFor(path));
    expect(await verifyJournal(path)).toEqual({
      ok: true,
      lines: 2,
      notes: [
        "no anchor file: whether lines were cut from the end cannot be checked (mimik writes one at its next start)",
      ],
    });
  });
});

describe("the writer at start, against the anchor", () => {
  it("records a cut tail in the chain, goes on, and verify keeps reporting it", async () => {
    await writeEntries(5);
    const anchored = await readAnchor(path);
    await setLines((await lines()).slice(0, 3));
    const w = await JournalWriter.open(path);
    expect(w.notes).toEqual([
      `journal ${path}: truncated: the journal ends at seq 3 but 5 lines were written, so the last 2 lines are missing`,
    ]);
    w.append({ type: "start" });
    await w.close();
    const list = (await lines()).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(list.slice(3).map((l) => [l.seq, l.type])).toEqual([
      [4, "journalAnchor"],
      [5, "start"],
    ]);
    expect(list[3]).toMatchObject({
      problem: "truncated",
      anchoredSeq: 5,
      anchoredHash: anchored.kind === "ok" ? anchored.anchor.hash : "",
    });
    // The chain from here on is sound and anchored again; the damage before it stays on record.
    expect(await verifyJournal(path)).toMatchObject({
      ok: false,
      reason: /^at seq 4 \(.*\) mimik found the journal altered before it: truncated: /,
    });
  });

  it("records an edited last line", async () => {
    await writeEntries(3);
    const list = await lines();
    list[2] = list[2]!.replace('"qty":3', '"qty":30');
    await setLines(list);
    const w = await JournalWriter.open(path);
    await w.close();
    expect(JSON.parse((await lines())[3]!)).toMatchObject({ type: "journalAnchor", problem: "edited" });
  });

  it("continues quietly from lines written just before a crash, past the anchor", async () => {
    await writeEntries(3);
    const anchor = await readFile(anchorPathFor(path), "utf8");
    await writeEntries(2);
    await writeFile(anchorPathFor(path), anchor);
    const w = await JournalWriter.open(path);
    expect(w.notes).toEqual([]);
    w.append({ type: "start" });
    await w.close();
    expect((await lines()).map((l) => JSON.parse(l).type)).not.toContain("journalAnchor");
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 6 });
  });

  it("continues quietly when a crash before the anchor moved left the anchored line two rotations back", async () => {
    await writeEntries(3, { maxBytes: 700 });
    const anchor = await readFile(anchorPathFor(path), "utf8");
    // One flush (a backlog after a full disk, say) that rotates twice, then a crash before its anchor.
    await writeEntries(12, { maxBytes: 700 });
    await writeFile(anchorPathFor(path), anchor);
    await stat(rotatedJournalPath(path, 2));
    expect(await verifyJournal(path)).toMatchObject({ ok: true, lines: 15 });
    const w = await JournalWriter.open(path, { maxBytes: 700 });
    expect(w.notes).toEqual([]);
    w.append({ type: "start" });
    await w.close();
    expect(await verifyJournal(path)).toMatchObject({ ok: true, lines: 16 });
  });

  it("removed while mimik runs, it is written again at the next flush and said once: a cut tail after a kill -9 still shows", async () => {
    const said: string[] = [];
    const w = await JournalWriter.open(path, { onRecovered: (message) => said.push(message) });
    for (let i = 1; i <= 3; i++) w.append({ type: "copy", n: i });
    await w.flush();
    await rm(anchorPathFor(path));
    w.append({ type: "copy", n: 4 });
    await w.flush();
    w.append({ type: "copy", n: 5 });
    await w.flush();
    expect(said).toEqual([
      `journal anchor ${anchorPathFor(path)} was gone (removed or replaced while mimik ran); written again at seq 4`,
    ]);
    expect((await stat(anchorPathFor(path))).mode & 0o777).toBe(0o600);
    // Killed (no close), and the tail cut afterwards.
    await setLines((await lines()).slice(0, 3));
    expect(await verifyJournal(path)).toEqual({
      ok: false,
      reason:
        "truncated: the journal ends at seq 3 but 5 lines were written, so the last 2 lines are missing",
    });
    await w.close();
  });

  it("records that an existing journal had no anchor, once", async () => {
    await writeEntries(2);
    await rm(anchorPathFor(path));
    await writeEntries(1);
    await writeEntries(1);
    const types = (await lines()).map((l) => JSON.parse(l).type);
    expect(types.filter((t) => t === "journalAnchor")).toHaveLength(1);
    const result = await verifyJournal(path);
    expect(result).toMatchObject({ ok: true, notes: [expect.stringMatching(/^seq 3 .*no anchor/)] });
  });
});
