import type { EventText } from "../../../data/journal/index.js";
import type { EngineEvent } from "../../../engine/index.js";
import { terminalJson } from "../../text/jsonText.js";
import type { OutboxBatch } from "./outbox.js";

/**
 * An outbox batch as it crosses to the main thread. As JSON text it costs less than half of what
 * a structured clone of the same events costs (one string is copied, not a graph of small
 * objects), and the engine's thread sends one every 10 ms while copying. JSON cannot carry what
 * an event never should hold (NaN, Infinity, a Map): a batch whose text has a `null`, which no
 * event type has, goes as a structured clone instead, exactly as it was.
 *
 * For headless's JSON output the text is one event a line ("eventLines"): the main thread keeps
 * each line and prints it as it is. Parsing a batch and then stringifying every event again for
 * its line was a fifth of headless's main thread at 200 followers; the lines cost the engine's
 * thread a quarter more than one stringify of the batch, and save the main thread half its decode.
 */
export type EventBatchMessage =
  | { kind: "events"; seq: number; dropped: number; events: EngineEvent[] }
  | { kind: "eventsText"; seq: number; dropped: number; text: string }
  | { kind: "eventLines"; seq: number; dropped: number; text: string };

/** `lines`: one event's JSON a line (JSON.stringify never writes a raw line break). */
export function encodeBatch(batch: OutboxBatch, lines = false): EventBatchMessage {
  const { seq, dropped, events, texts } = batch;
  let text: string | undefined;
  try {
    text = lines ? eachLine(events, texts) : texts ? asArray(events, texts) : JSON.stringify(events);
  } catch {
    // A BigInt or a cycle: the structured clone says what it can.
  }
  if (text === undefined || text.includes("null")) return { kind: "events", seq, dropped, events };
  return { kind: lines ? "eventLines" : "eventsText", seq, dropped, text };
}

/** `texts`: each event's JSON text where the journal shares it (the same text JSON.stringify writes). */
function eachLine(
  events: readonly EngineEvent[],
  texts: readonly (EventText | undefined)[] | undefined,
): string | undefined {
  if (events.length === 0) return undefined;
  let text = lineOf(events, texts, 0);
  for (let i = 1; i < events.length; i++) text += `\n${lineOf(events, texts, i)}`;
  return text;
}

/** JSON.stringify(events), each element's text the shared one where there is one. */
function asArray(events: readonly EngineEvent[], texts: readonly (EventText | undefined)[]): string {
  if (events.length === 0) return "[]";
  let text = `[${lineOf(events, texts, 0)}`;
  for (let i = 1; i < events.length; i++) text += `,${lineOf(events, texts, i)}`;
  return `${text}]`;
}

function lineOf(
  events: readonly EngineEvent[],
  texts: readonly (EventText | undefined)[] | undefined,
  i: number,
): string {
  // An event with no JSON text throws here as it did: the batch goes as a structured clone.
  return texts?.[i]?.get() ?? JSON.stringify(events[i]);
}

export interface DecodedBatch {
  events: EngineEvent[];
  /** Each event's line as headless prints it (`jsonLine`), for a batch that crossed as lines. */
  lines?: string[] | undefined;
}

export function decodeBatch(message: EventBatchMessage): DecodedBatch {
  if (message.kind === "events") return { events: message.events };
  if (message.kind === "eventsText") return { events: JSON.parse(message.text) as EngineEvent[] };
  // Escaped once for the whole batch; an escaped C1 character parses to the same text.
  const lines = terminalJson(message.text).split("\n");
  const events = new Array<EngineEvent>(lines.length);
  for (let i = 0; i < lines.length; i++) events[i] = JSON.parse(lines[i] as string) as EngineEvent;
  return { events, lines };
}
