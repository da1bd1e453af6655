import { describe, expect, it } from "vitest";
import { EventText } from "../../data/journal/eventText.js";
import type { EngineEvent } from "../../engine/index.js";
import { EventOutbox, type OutboxBatch } from "../../src/process/engineThread/outbox.js";

const at = 0;
const fill = (fillId: number): EngineEvent => ({
  type: "leaderFill",
  at,
  group: "G",
  leader: "L",
  fillId,
  orderId: fillId,
  contract: "ESZ6",
  side: "Buy",
  qty: 1,
  price: 1,
  positionBefore: 0,
  positionAfter: 1,
});
const positions = (account: string, netPos: number): EngineEvent => ({
  type: "positions",
  at,
  account,
  positions: [{ contract: "ESZ6", netPos }],
});
const alert = (message: string): EngineEvent => ({ type: "alert", at, level: "warn", message });

/** An outbox whose flushes run when the test says (as setImmediate would after the engine's work). */
function outbox(maxUnacked: number, maxHeldAlerts = 100) {
  const sent: OutboxBatch[] = [];
  let pending: (() => void) | undefined;
  const box = new EventOutbox((b) => sent.push(b), {
    maxUnacked,
    maxHeldAlerts,
    schedule: (flush) => {
      pending = flush;
    },
  });
  const tick = () => {
    const run = pending;
    pending = undefined;
    run?.();
  };
  return { box, sent, tick };
}

describe("the engine's outbox", () => {
  it("sends what one piece of work made as one batch, after it", () => {
    const { box, sent, tick } = outbox(100);
    box.push(fill(1));
    box.push(fill(2));
    expect(sent).toEqual([]);
    tick();
    expect(sent).toEqual([{ seq: 1, events: [fill(1), fill(2)], dropped: 0 }]);
  });

  it("holds back once the main thread is behind, keeping the newest state of each thing and counting fills", () => {
    const { box, sent, tick } = outbox(2);
    box.push(fill(1));
    box.push(fill(2));
    tick(); // 2 unacknowledged: holding from now on
    box.push(positions("F1", 1));
    box.push(fill(3));
    box.push(positions("F1", 2));
    box.push(positions("F2", -1));
    box.push(alert("a"));
    tick();
    expect(sent).toHaveLength(1);
    expect(box.backlog).toBe(2 + 2 + 1);
    box.ack(1); // the main thread caught up: the held state goes out with the count of what was left out
    expect(sent[1]).toEqual({
      seq: 2,
      events: [positions("F1", 2), positions("F2", -1), alert("a")],
      dropped: 1,
    });
  });

  it("keeps only the newest alerts while holding back, and counts the rest", () => {
    const { box, sent, tick } = outbox(1, 2);
    box.push(fill(1));
    tick();
    for (const m of ["a", "b", "c", "d"]) box.push(alert(m));
    box.ack(1);
    expect(sent[1]?.events).toEqual([alert("c"), alert("d")]);
    expect(sent[1]?.dropped).toBe(2);
  });

  it("memory stays bounded however long the main thread is stuck", () => {
    const { box, tick } = outbox(10);
    for (let i = 0; i < 10; i++) box.push(fill(i));
    tick();
    for (let i = 0; i < 100_000; i++) {
      box.push(fill(i));
      box.push(positions(`F${i % 20}`, i));
    }
    tick();
    expect(box.backlog).toBe(10 + 20);
  });

  it("sends each event's shared JSON text beside it, held state first with none", () => {
    const { box, sent, tick } = outbox(2);
    const texts = [1, 2, 3, 4].map((i) => new EventText(fill(i)));
    box.push(fill(1), texts[0]);
    box.push(positions("F1", 1));
    tick();
    expect(sent[0]).toEqual({
      seq: 1,
      events: [fill(1), positions("F1", 1)],
      dropped: 0,
      texts: [texts[0], undefined],
    });
    box.push(positions("F1", 2)); // holding: 2 unacknowledged
    box.push(fill(2), texts[1]);
    box.ack(1);
    box.push(fill(3), texts[2]);
    tick();
    expect(sent[1]).toEqual({ seq: 2, events: [positions("F1", 2)], dropped: 1 });
    expect(sent[2]).toEqual({ seq: 3, events: [fill(3)], dropped: 0, texts: [texts[2]] });
  });
});
