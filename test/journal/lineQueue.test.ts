import { describe, expect, it } from "vitest";
import { GENESIS_HASH, lineHash } from "../../data/journal/hash.js";
import { LineQueue } from "../../data/journal/lineQueue.js";

const head = { seq: 0, hash: GENESIS_HASH };
const line = (i: number, width = 40) => JSON.stringify({ seq: i, note: `é日😀${"x".repeat(width)}` });

describe("LineQueue", () => {
  it("keeps each line's UTF-8 bytes with a newline, and returns the hash of its exact text", () => {
    const q = new LineQueue(head);
    const texts = [line(1), line(2), "{}"];
    const hashes = texts.map((t) => q.push(t));
    expect(hashes).toEqual(texts.map(lineHash));
    const chunk = q.take(10, 0, 1 << 20);
    expect(chunk.lines).toBe(3);
    expect(chunk.data.toString("utf8")).toBe(`${texts.join("\n")}\n`);
    expect(q.endAfter(3)).toEqual({ seq: 3, hash: lineHash(texts[2]!), prev: lineHash(texts[1]!) });
    expect(q.endAfter(1)).toEqual({ seq: 1, hash: lineHash(texts[0]!), prev: GENESIS_HASH });
  });

  it("hands out a run that fits the file, at most the lines asked; a line too big for any file goes alone", () => {
    const q = new LineQueue({ seq: 41, hash: "a".repeat(64) });
    const texts = [line(1, 10), line(2, 10), line(3, 500)];
    for (const t of texts) q.push(t);
    const size = (t: string) => Buffer.byteLength(t) + 1;
    expect(q.take(1, 0, 1000).lines).toBe(1);
    q.settle(0); // the write failed: the line waits still
    expect(q.length).toBe(3);
    // Room for the first two lines only.
    expect(q.take(3, 100, 100 + size(texts[0]!) + size(texts[1]!)).lines).toBe(2);
    q.settle(2);
    expect(q.seqs()).toEqual({ first: 44, last: 44 });
    expect(q.take(3, 1, 100).lines).toBe(0); // rotate first
    const alone = q.take(3, 0, 100);
    expect(alone.lines).toBe(1);
    expect(alone.data.toString()).toBe(`${texts[2]}\n`);
    expect(q.endAfter(1)).toEqual({ seq: 44, hash: lineHash(texts[2]!), prev: lineHash(texts[1]!) });
    q.settle(1);
    expect(q.length).toBe(0);
  });

  it("never moves bytes a write is reading, however many lines come meanwhile", () => {
    const q = new LineQueue(head);
    let seq = 0;
    const all: string[] = [];
    const push = (width: number) => {
      const t = line(++seq, width);
      all.push(t);
      q.push(t);
    };
    let written = "";
    // Rounds of: some lines, a write handed out, many more lines (room made several times) while
    // it is out, then the write ends; part of the time it fails and is handed out again.
    // Some 600 KB a round while a write is out: the first Buffer (1 MB) fills in the second round.
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 50; i++) push(round * 37 + i);
      const chunk = q.take(400, 0, 1 << 30);
      const before = Buffer.from(chunk.data);
      for (let i = 0; i < 200; i++) push(2000 + ((i * 53) % 2000));
      expect(chunk.data.equals(before)).toBe(true);
      if (round % 4 === 3) q.settle(0);
      else {
        written += chunk.data.toString("utf8");
        q.settle(chunk.lines);
      }
    }
    const rest = q.take(1e9, 0, 1 << 30);
    written += rest.data.toString("utf8");
    const end = q.endAfter(rest.lines);
    q.settle(rest.lines);
    expect(written).toBe(`${all.join("\n")}\n`);
    expect(end).toEqual({ seq: all.length, hash: lineHash(all.at(-1)!), prev: lineHash(all.at(-2)!) });
  });
});
