import { describe, expect, it, vi } from "vitest";
import { EventText } from "../../data/journal/eventText.js";
import type { EngineEvent } from "../../engine/index.js";
import { decodeBatch, encodeBatch } from "../../src/process/engineThread/eventBatch.js";
import { jsonLine } from "../../src/text/terminal.js";

const copy: EngineEvent = {
  type: "copy",
  at: 1_795_986_441_863,
  group: "Index Scalps",
  follower: "TSX5001",
  fillId: 100000000047,
  contract: "MESZ6",
  outcome: "filled",
  reason: "filled",
  kind: "open",
  side: "Sell",
  qty: 2,
  clOrdId: "mk-100000000047-700301",
  orderId: 100000000072,
  latencyMs: 10.455066999999872,
};
const positions: EngineEvent = {
  type: "positions",
  at: 1,
  account: "TSX5001",
  positions: [{ contract: "MNQZ6", netPos: 3 }],
};

/** What the main thread gets: the message as postMessage would copy it, then decoded. */
const across = (events: EngineEvent[], lines = false) =>
  decodeBatch(structuredClone(encodeBatch({ seq: 7, dropped: 2, events }, lines)));

describe("an event batch crossing to the main thread", () => {
  it("goes as JSON text and arrives as the same events, in order", () => {
    const message = encodeBatch({ seq: 7, dropped: 2, events: [copy, positions] });
    expect(message).toMatchObject({ kind: "eventsText", seq: 7, dropped: 2 });
    expect(across([copy, positions])).toStrictEqual({ events: [copy, positions] });
  });

  it("for headless's JSON output goes one event a line, each arriving with the line headless prints", () => {
    // Outside text with a C1 CSI, a line break and an escape: the line must stay one line, harmless.
    const odd: EngineEvent = { ...copy, reason: "broker: \u009b2J\nrejected \u001b[5m→ ✓" };
    const message = encodeBatch({ seq: 7, dropped: 2, events: [copy, odd, positions] }, true);
    expect(message).toMatchObject({ kind: "eventLines", seq: 7, dropped: 2 });
    const { events, lines } = across([copy, odd, positions], true);
    expect(events).toStrictEqual([copy, odd, positions]);
    expect(lines).toStrictEqual([jsonLine(copy), jsonLine(odd), jsonLine(positions)]);
    expect(lines?.[1]).toContain("\\u009b");
  });

  it("as lines, a batch JSON cannot carry still goes as a structured clone, with no lines", () => {
    const bad = { ...copy, latencyMs: Number.NaN };
    expect(across([copy, bad], true)).toStrictEqual({ events: [copy, bad] });
    expect(across([], true)).toStrictEqual({ events: [] });
  });

  it.each([
    ["NaN", { ...positions, positions: [{ contract: "ESZ6", netPos: Number.NaN }] }],
    ["Infinity", { ...copy, latencyMs: Number.POSITIVE_INFINITY }],
  ] as const)("goes as a structured clone when JSON would turn %s into null", (_, event) => {
    const message = encodeBatch({ seq: 1, dropped: 0, events: [copy, event as EngineEvent] });
    expect(message.kind).toBe("events");
    expect(across([copy, event as EngineEvent]).events).toStrictEqual([copy, event]);
  });

  it("goes as a structured clone when JSON cannot hold it at all (a BigInt)", () => {
    const odd = { ...copy, qty: 2n } as unknown as EngineEvent;
    expect(encodeBatch({ seq: 1, dropped: 0, events: [odd] }).kind).toBe("events");
    expect(across([odd]).events).toStrictEqual([odd]);
  });

  it("as lines, takes each event's text the journal shared instead of stringifying it again", () => {
    const events = [copy, positions, { ...copy, reason: "broker: \u009b2J\nrejected" } as EngineEvent];
    // The journal made the copies' texts already; positions are not journalled.
    const texts = [new EventText(events[0]!), undefined, new EventText(events[2]!)];
    for (const text of texts) text?.get();
    const stringify = vi.spyOn(JSON, "stringify");
    let message: ReturnType<typeof encodeBatch>;
    try {
      message = encodeBatch({ seq: 7, dropped: 0, events, texts }, true);
      expect(stringify.mock.calls.map(([v]) => v)).toStrictEqual([positions]);
    } finally {
      stringify.mockRestore();
    }
    const { events: back, lines } = decodeBatch(structuredClone(message));
    expect(back).toStrictEqual(events);
    expect(lines).toStrictEqual(events.map((e) => jsonLine(e)));
  });

  it("as lines, a shared event with no JSON text still sends the batch as a structured clone", () => {
    const odd = { ...copy, qty: 2n } as unknown as EngineEvent;
    const message = encodeBatch(
      { seq: 1, dropped: 0, events: [copy, odd], texts: [undefined, new EventText(odd)] },
      true,
    );
    expect(message.kind).toBe("events");
  });

  it("as one array (the console), takes the shared texts too: the same text JSON.stringify writes", () => {
    const events = [copy, positions, { ...copy, reason: "x → ✓ \u2028" } as EngineEvent];
    const texts = [new EventText(events[0]!), undefined, new EventText(events[2]!)];
    for (const text of texts) text?.get();
    const whole = JSON.stringify(events);
    const stringify = vi.spyOn(JSON, "stringify");
    let message: ReturnType<typeof encodeBatch>;
    try {
      message = encodeBatch({ seq: 7, dropped: 0, events, texts });
      expect(stringify.mock.calls.map(([v]) => v)).toStrictEqual([positions]);
    } finally {
      stringify.mockRestore();
    }
    expect(message).toStrictEqual({ kind: "eventsText", seq: 7, dropped: 0, text: whole });
    expect(decodeBatch(structuredClone(message)).events).toStrictEqual(events);
    expect(encodeBatch({ seq: 8, dropped: 0, events: [], texts: [] })).toMatchObject({
      kind: "eventsText",
      text: "[]",
    });
  });
});
