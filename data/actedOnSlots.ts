import { createHash } from "node:crypto";
import { z } from "zod";
import type { ActedOnRecord } from "../engine/types.js";

/**
 * The acted-on file's two slots (see actedOnFile.ts), as pure text. A slot is one line,
 * `mimik-acted-on 1 <seq> <sha256 of the JSON> <JSON of every follower's record>`, padded with
 * spaces to the slot's size and ending in a newline: readable with `cat`, and a slot that a crash
 * or a power cut left half written fails its checksum instead of being read as something else.
 */

export const actedOnRecordSchema = z.object({
  leader: z.string(),
  positions: z.record(z.string(), z.number().int()),
});
const recordsSchema = z.record(z.string(), actedOnRecordSchema);

export type ActedOnRecords = Readonly<Record<string, ActedOnRecord>>;

const HEADER = "mimik-acted-on 1";
const LINE = /^mimik-acted-on 1 (\d+) ([0-9a-f]{64}) (.*)$/s;
/** A page: one write that a power cut can tear only at sector edges, which the checksum catches. */
export const MIN_SLOT_BYTES = 4096;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The slot's line, before padding. */
export function slotLine(seq: number, records: ActedOnRecords): string {
  const body = JSON.stringify(records);
  return `${HEADER} ${seq} ${sha256(body)} ${body}`;
}

/** The smallest slot size that holds the line and its newline: a power of two, at least a page. */
export function slotBytesFor(line: string): number {
  const needed = Buffer.byteLength(line) + 1;
  let bytes = MIN_SLOT_BYTES;
  while (bytes < needed) bytes *= 2;
  return bytes;
}

/** The line padded to exactly `slotBytes` (the caller sized the slot with slotBytesFor). */
export function padSlot(line: string, slotBytes: number): Buffer {
  const slot = Buffer.alloc(slotBytes, " ");
  const written = slot.write(line, 0, "utf8");
  if (written !== Buffer.byteLength(line))
    throw new RangeError(`a ${slotBytes}-byte slot cannot hold ${written} bytes`);
  slot[slotBytes - 1] = 0x0a;
  return slot;
}

export type SlotRead =
  | { ok: true; seq: number; records: Record<string, ActedOnRecord> }
  | { ok: false; why: string };

export function readSlot(text: string): SlotRead {
  const match = LINE.exec(text.trimEnd());
  if (!match) return { ok: false, why: "not a slot mimik wrote" };
  const [, seq = "", sum = "", body = ""] = match;
  if (sha256(body) !== sum) return { ok: false, why: "its checksum does not match (a write cut short)" };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, why: "its records are not JSON" };
  }
  const records = recordsSchema.safeParse(value);
  if (!records.success) return { ok: false, why: "its records are not what mimik writes" };
  return { ok: true, seq: Number(seq), records: records.data };
}

/**
 * The file's two halves, read: the newest whole slot (the one a restart uses) and the slot the
 * next write goes to, which is always the other one, so the newest is never the one overwritten.
 */
export function readSlots(
  file: Buffer,
):
  | { ok: true; newest: number; seq: number; records: Record<string, ActedOnRecord>; slotBytes: number }
  | { ok: false; why: string } {
  if (file.length === 0 || file.length % 2 !== 0)
    return { ok: false, why: `${file.length} bytes is not two slots` };
  const slotBytes = file.length / 2;
  const slots = [file.subarray(0, slotBytes), file.subarray(slotBytes)].map((b) =>
    readSlot(b.toString("utf8")),
  );
  let newest = -1;
  slots.forEach((slot, i) => {
    const best = slots[newest];
    if (slot.ok && (best === undefined || !best.ok || slot.seq > best.seq)) newest = i;
  });
  const found = slots[newest];
  if (!found?.ok)
    return { ok: false, why: slots.map((s, i) => `slot ${i + 1}: ${s.ok ? "ok" : s.why}`).join("; ") };
  return { ok: true, newest, seq: found.seq, records: found.records, slotBytes };
}
