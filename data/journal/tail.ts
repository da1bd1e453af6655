import { createHash } from "node:crypto";
import { open, stat, truncate } from "node:fs/promises";
import { basename } from "node:path";
import { freeAsideName } from "../asideFile.js";
import { UserError } from "../userError.js";
import { parseEntry } from "./entry.js";
import { readLastLines } from "./lines.js";
import { isNotFound } from "./paths.js";

/** What was set aside from the end of the live journal file, for the journal line that records it. */
export interface TailRepair {
  reason: string;
  bytes: number;
  /** The file the bytes were appended to, and where in it they start. */
  tornFile: string;
  tornOffset: number;
  /** SHA-256 of the bytes, so the record in the chain vouches for what was set aside. */
  sha256: string;
}

/** The end of a journal file is damaged beyond what an interrupted write leaves: the message names the fix. */
export class JournalDamagedError extends UserError {
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(
      `cannot continue the journal: ${what}, which an interrupted write does not leave. ` +
        `To see where it breaks: mimik log --verify --config <this config>. To start again, ` +
        `move the damaged file aside (kept for inspection): mv ${file} ${freeAsideName(file, "damaged")} — mimik then continues ` +
        `the chain from the files before it and records the gap`,
    );
    this.name = "JournalDamagedError";
  }
}

/** Where the bytes set aside from `path` are kept: beside it, never read as journal. */
export function tornPathFor(path: string): string {
  return `${path}.torn`;
}

/**
 * A crash can leave the live file ending in part of a line (no newline), or, after a retried write,
 * in one complete line that is not an entry. Such a tail never was a journal entry: its bytes are
 * appended to <file>.torn (kept, and durable before anything is cut) and cut from the file, so the
 * chain continues from the last whole entry. Two or more bad lines at the end are damage, not a
 * crash, and are refused with JournalDamagedError. Returns what was set aside, if anything.
 */
export async function setAsideTornTail(path: string): Promise<TailRepair | undefined> {
  let tail: Awaited<ReturnType<typeof readLastLines>>;
  try {
    tail = await readLastLines(path, 2);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const [before, last] = tail.lines.length === 2 ? tail.lines : [undefined, tail.lines[0]];
  const torn = tail.tornStart < tail.size;
  let cut: number;
  let reason: string;
  if (last === undefined || parseEntry(last.text) !== undefined) {
    if (!torn) return undefined;
    cut = tail.tornStart;
    reason = "incomplete last line (no newline) set aside";
  } else {
    if (before !== undefined && parseEntry(before.text) === undefined)
      throw new JournalDamagedError(path, `the last two lines of ${path} are not journal entries`);
    cut = last.start;
    reason = "unreadable last line set aside";
  }
  const bytes = await readRange(path, cut, tail.size);
  const tornFile = tornPathFor(path);
  const tornOffset = await keep(tornFile, bytes);
  await truncate(path, cut);
  return {
    reason,
    bytes: bytes.length,
    tornFile: basename(tornFile),
    tornOffset,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

async function readRange(path: string, from: number, to: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(to - from);
    await handle.read(buffer, 0, buffer.length, from);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** Appends and syncs, so the bytes are safe before the journal is cut; returns where they start. */
async function keep(file: string, bytes: Buffer): Promise<number> {
  const offset = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  const handle = await open(file, "a", 0o600);
  try {
    await handle.write(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return offset;
}
