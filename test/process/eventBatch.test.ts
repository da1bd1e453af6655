import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/index.js";
import { decodeBatch, encodeBatch } from "../../src/process/engineThread/eventBatch.js";

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
const across = (events: EngineEvent[]) =>
  decodeBatch(structuredClone(encodeBatch({ seq: 7, dropped: 2, events })));

describe("an event batch crossing to the main thread", () => {
  it("goes as JSON text and arrives as the same events, in order", () => {
    const message = encodeBatch({ seq: 7, dropped: 2, events: [copy, positions] });
    expect(message).toMatchObject({ kind: "eventsText", seq: 7, dropped: 2 });
    expect(across([copy, positions])).toStrictEqual([copy, positions]);
  });

  it.each([
    ["NaN", { ...positions, positions: [{ contract: "ESZ6", netPos: Number.NaN }] }],
    ["Infinity", { ...copy, latencyMs: Number.POSITIVE_INFINITY }],
  ] as const)("goes as a structured clone when JSON would turn %s into null", (_, event) => {
    const message = encodeBatch({ seq: 1, dropped: 0, events: [copy, event as EngineEvent] });
    expect(message.kind).toBe("events");
    expect(across([copy, event as EngineEvent])).toStrictEqual([copy, event]);
  });

  it("goes as a structured clone when JSON cannot hold it at all (a BigInt)", () => {
    const odd = { ...copy, qty: 2n } as unknown as EngineEvent;
    expect(encodeBatch({ seq: 1, dropped: 0, events: [odd] }).kind).toBe("events");
    expect(across([odd])).toStrictEqual([odd]);
  });
});
