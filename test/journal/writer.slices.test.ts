import { readFile } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";
import { LiveJournalFile } from "../../data/journal/liveFile.js";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalWriter, SERIALISE_SLICE } from "../../data/journal/writer.js";
import { freshJournalPath, readLines } from "./helpers.js";

let path: string;
freshJournalPath((p) => {
  path = p;
});

describe("JournalWriter under a burst", () => {
  it("serialises a big backlog a slice at a time, letting the event loop run in between", async () => {
    const w = await JournalWriter.open(path);
    const log: string[] = [];
    const count = SERIALISE_SLICE * 4;
    for (let i = 0; i < count; i++) w.append({ type: "copy", i });
    // The last entry reports when it is serialised (a getter on a nested object).
    w.append({
      type: "copy",
      nested: {
        get probe() {
          log.push("last entry serialised");
          return 1;
        },
      },
    });
    const done = w.flush();
    setImmediate(() => log.push("event loop ran"));
    await done;
    expect(log[0]).toBe("event loop ran");
    await w.close();
    const seqs = (await readLines(path)).map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: count + 1 }, (_, i) => i + 1));
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: count + 1 });
  });

  it("serialises an entry once the caller's task is done, and leaves the writing to the flush", async () => {
    const w = await JournalWriter.open(path);
    const log: string[] = [];
    w.append({
      type: "copy",
      nested: {
        get probe() {
          log.push("serialised");
          return 1;
        },
      },
    });
    log.push("caller's task done");
    expect(log).toEqual(["caller's task done"]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log[0]).toBe("caller's task done");
    expect(log).toContain("serialised");
    expect(await readLines(path).catch(() => [])).toEqual([]);
    await w.close();
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 1 });
  });

  it("appends made during a flush are written by a later flush, in order, on the same chain", async () => {
    const w = await JournalWriter.open(path);
    for (let i = 0; i < SERIALISE_SLICE * 2; i++) w.append({ type: "copy", i });
    const first = w.flush();
    setImmediate(() => w.append({ type: "late" }));
    await first;
    await w.close();
    const lines = (await readLines(path)).map((l) => JSON.parse(l) as { seq: number; type: string });
    expect(lines.at(-1)).toMatchObject({ seq: SERIALISE_SLICE * 2 + 1, type: "late" });
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: SERIALISE_SLICE * 2 + 1 });
  });

  it("still redacts a secret found only deep inside an array, and keeps non-plain values as before", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "x", list: [1, [{ ok: 1 }, { deeper: { apiSecret: "no", Password: "hunter2" } }]] });
    w.append({ type: "y", when: new Date(Date.UTC(2026, 0, 2)), tags: new Set(["a"]) });
    await w.close();
    const [x, y] = await readLines(path);
    expect(x).not.toContain("hunter2");
    expect(JSON.parse(x!)).toMatchObject({ list: [1, [{ ok: 1 }, { deeper: { apiSecret: "no" } }]] });
    expect(JSON.parse(y!)).toMatchObject({ when: "2026-01-02T00:00:00.000Z", tags: {} });
  });

  it("looks a line's keys up for secrets without a lower-cased copy of each, line after line", async () => {
    const w = await JournalWriter.open(path);
    // Keys of the lengths of secret names (6, 8, 13), as a copy's and a position's lines have them.
    const entry = (i: number) => ({
      type: "copy",
      fillId: i,
      reason: "copied",
      contract: "ESZ6",
      positionAfter: 1,
    });
    w.append(entry(0));
    await w.flush();
    const lower = vi.spyOn(String.prototype, "toLowerCase");
    try {
      for (let i = 1; i <= 200; i++) w.append(entry(i));
      await w.flush();
      expect(lower).not.toHaveBeenCalled();
    } finally {
      lower.mockRestore();
    }
    await w.close();
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: 201 });
  });
});

describe("JournalWriter's lines between serialising and the flush", () => {
  it("are handed to the file as the bytes made when each was serialised, not as text joined again", async () => {
    // Kept as strings until the flush, 400 lines a leader fill at 200 followers outlived V8's
    // scavenges (which copied them) and were then joined and encoded again for the write.
    const original = LiveJournalFile.prototype.appendSynced;
    const handed: Array<string | Uint8Array> = [];
    const copies: Buffer[] = [];
    const append = vi.spyOn(LiveJournalFile.prototype, "appendSynced").mockImplementation(function (
      this: LiveJournalFile,
      data,
    ) {
      // Copied now: once written, the writer reuses the bytes' room.
      handed.push(data);
      copies.push(Buffer.from(data));
      return original.call(this, data);
    });
    try {
      const w = await JournalWriter.open(path);
      for (let i = 0; i < SERIALISE_SLICE * 3; i++) w.append({ type: "copy", i, note: "é日😀" });
      await w.flush();
      w.append({ type: "late" });
      await w.close();
      expect(handed.length).toBeGreaterThan(0);
      for (const data of handed) expect(data).toBeInstanceOf(Uint8Array);
      expect(Buffer.concat(copies).equals(await readFile(path))).toBe(true);
    } finally {
      append.mockRestore();
    }
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: SERIALISE_SLICE * 3 + 1 });
  });
});
