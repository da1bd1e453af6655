import { readFile, rm } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";
import { EventText } from "../../data/journal/eventText.js";
import { lineText, splicedLine } from "../../data/journal/line.js";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { systemClock } from "../../engine/clock.js";
import { freshJournalPath } from "./helpers.js";

let path: string;
freshJournalPath((p) => {
  path = p;
});

type Entry = Record<string, unknown> & { type: string };

const copy = (i: number): Entry => ({
  type: "copy",
  at: 1_795_986_441_863 + i,
  group: "Index Scalps",
  follower: `TSX${5000 + i}`,
  fillId: 100000000047,
  contract: "MESZ6",
  outcome: i % 2 ? "filled" : "sent",
  kind: "open",
  reason: "leader opened",
  side: "Sell",
  qty: 2,
  clOrdId: `mk-100000000047-${700301 + i}`,
  orderId: undefined,
  latencyMs: 10.455066999999872,
});

/** Entries whose JSON text holds lineText's payload: the line is spliced from it. */
const spliceable: Entry[] = [
  copy(0),
  copy(1),
  { type: "bare", at: 0 },
  { type: "odd", at: -1.5, k: 1 },
  { type: "odd", at: 999.999, big: 1e21, tiny: 5e-7, neg: -0 },
  { type: "odd", at: 253_402_300_800_000, k: "year 10000" },
  { type: 'we"ird\u2028', at: 1, k: 'é 日本 😀 \u0085 \u2028 \ud800 " \\ </' },
  { type: "alert", at: 2, nested: { a: [1, { d: new Date(5), u: undefined }], f: () => 1 } },
  Object.assign(Object.create(null) as Entry, { type: "nullProto", at: 3, y: [1] }),
];

/** Entries lineText writes differently from their own JSON text, or redacts: not spliced. */
const notSpliceable: [string, Entry][] = [
  ["a secret-named key", { type: "login", at: 1, password: "hunter2" }],
  ["a secret-named key deep inside", { type: "x", at: 1, a: [{ b: { Token: "t" } }] }],
  ["the time not second", { type: "x", k: 1, at: 1 }],
  ["the type not first", { at: 1, type: "x" }],
  ["no time", { type: "x", k: 1 }],
  ["a time that is not finite", { type: "x", at: Number.NaN, k: 1 }],
  ["a type that is not text", { type: 5 as unknown as string, at: 1 }],
  ["its own seq", { type: "x", at: 1, seq: 9 }],
  ["its own prev", { type: "x", at: 1, prev: "y" }],
  ["an integer key, listed first", { type: "x", at: 1, 7: "seven" }],
  ["a Map", { type: "x", at: 1, m: new Map([[1, 2]]) }],
  ["a Buffer", { type: "x", at: 1, b: Buffer.from("hi") }],
  ["its own toJSON", { type: "x", at: 1, toJSON: () => ({}) }],
];

const at = "2026-12-03T18:00:00.123Z";
const prev = "ab".repeat(32);

describe("a journal line spliced from the event's own JSON text", () => {
  it.each(spliceable.map((e) => [e.type, e]))("is lineText's line, byte for byte (%s)", (_, entry) => {
    const line = splicedLine(41, at, entry, new EventText(entry), prev);
    expect(line).toBe(lineText(41, at, entry, prev));
  });

  it.each(notSpliceable)("is not made for an entry with %s (lineText writes it)", (_, entry) => {
    expect(splicedLine(41, at, entry, new EventText(entry), prev)).toBeUndefined();
  });

  it("is not made for an event with no JSON text (lineText writes its error line)", () => {
    const cycle: Entry = { type: "x", at: 1 };
    cycle.self = cycle;
    const big: Entry = { type: "x", at: 1, n: 10n };
    for (const entry of [cycle, big]) {
      const text = new EventText(entry);
      expect(text.get()).toBeUndefined();
      expect(splicedLine(41, at, entry, text, prev)).toBeUndefined();
      expect(lineText(41, at, entry, prev)).toContain("unserialisable entry");
    }
  });
});

describe("the journal given each event's shared text", () => {
  const entries = (): Entry[] => [
    ...spliceable,
    // Its own toJSON makes lineText's whole line that function's answer, with no seq: not a line.
    ...notSpliceable.filter(([why]) => why !== "its own toJSON").map(([, e]) => e),
    ...Array.from({ length: 300 }, (_, i) => copy(i)),
  ];

  async function written(share: boolean): Promise<Buffer> {
    let now = 1_764_777_600_000;
    const w = await JournalWriter.open(path, { clock: { ...systemClock, now: () => now } });
    for (const [i, entry] of entries().entries()) {
      const text = share ? new EventText(entry) : undefined;
      // The other writer (headless's lines) may ask first.
      if (i % 3 === 0) text?.get();
      if (text) w.append(entry, text);
      else w.append(entry);
      now += 1;
    }
    await w.close();
    const bytes = await readFile(path);
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: entries().length });
    return bytes;
  }

  it("writes the same file, and the same chain, as the journal on its own", async () => {
    const alone = await written(false);
    await rm(path.replace(/main\.jsonl$/, ""), { recursive: true });
    expect((await written(true)).equals(alone)).toBe(true);
  });

  it("stringifies each event once between the journal and the other writer", async () => {
    const w = await JournalWriter.open(path);
    const events = Array.from({ length: 200 }, (_, i) => copy(i));
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      const texts = events.map((e) => {
        const text = new EventText(e);
        w.append(e, text);
        return text;
      });
      await w.flush();
      for (const text of texts) text.get();
      // Each call names the event or an object holding its fields: count both.
      const ofCopies = stringify.mock.calls.filter(
        ([v]) => (v as { type?: unknown } | null)?.type === "copy",
      );
      expect(ofCopies).toHaveLength(events.length);
    } finally {
      stringify.mockRestore();
    }
    await w.close();
    expect(await verifyJournal(path)).toEqual({ ok: true, lines: events.length });
  });
});
