import type { EngineEvent } from "../../../engine/index.js";
import type { OutboxBatch } from "./outbox.js";

/**
 * An outbox batch as it crosses to the main thread. As JSON text it costs less than half of what
 * a structured clone of the same events costs (one string is copied, not a graph of small
 * objects), and the engine's thread sends one every 10 ms while copying. JSON cannot carry what
 * an event never should hold (NaN, Infinity, a Map): a batch whose text has a `null`, which no
 * event type has, goes as a structured clone instead, exactly as it was.
 */
export type EventBatchMessage =
  | { kind: "events"; seq: number; dropped: number; events: EngineEvent[] }
  | { kind: "eventsText"; seq: number; dropped: number; text: string };

export function encodeBatch(batch: OutboxBatch): EventBatchMessage {
  const { seq, dropped, events } = batch;
  let text: string | undefined;
  try {
    text = JSON.stringify(events);
  } catch {
    // A BigInt or a cycle: the structured clone says what it can.
  }
  if (text === undefined || text.includes("null")) return { kind: "events", seq, dropped, events };
  return { kind: "eventsText", seq, dropped, text };
}

export function decodeBatch(message: EventBatchMessage): EngineEvent[] {
  return message.kind === "events" ? message.events : (JSON.parse(message.text) as EngineEvent[]);
}
