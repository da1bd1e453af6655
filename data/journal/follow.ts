import { type FileHandle, open, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";
import type { JournalEntry } from "./entry.js";
import { parseEntry } from "./entry.js";
import { fileLines, readTail, tailOf } from "./lines.js";
import { isNotFound, journalFiles, rotatedJournalPath } from "./paths.js";
import { type JournalFilter, matchesFilter } from "./reader.js";

export interface FollowOptions extends JournalFilter {
  /** Stops following; the returned promise then resolves. */
  signal: AbortSignal;
  /** Start with every entry already in the live file instead of only new ones. */
  fromStart?: boolean;
  /** Only entries with a seq above this (to pick up exactly where a read left off). */
  afterSeq?: number;
  /** How often to look for new lines. Default 100 ms. */
  pollMs?: number;
}

/** The live file we are reading: its handle, identity and how far we got. */
interface Cursor {
  handle: FileHandle;
  ino: number;
  offset: number;
  rest: string;
  decoder: StringDecoder;
}

/**
 * `tail -f` for the journal: calls `onEntry` for each new entry, in seq order, each once, and
 * waits for the promise it returns (a reader behind, a pager) before reading on.
 * Survives rotation: it finishes the renamed file through its open handle, then reads the new
 * live file from its start. When a seq jumps (files rotated past between two polls, or renamed
 * while we listed them) it fills the gap from the rotated files before going on.
 * Polls rather than using fs.watch, which misses renames on some filesystems.
 */
export async function followJournal(
  path: string,
  onEntry: (entry: JournalEntry) => void | Promise<void>,
  opts: FollowOptions,
): Promise<void> {
  const pollMs = opts.pollMs ?? 100;
  let lastSeq = opts.afterSeq ?? 0;
  // "From the start of the live file" is anchored on the first line read through the opened
  // handle: asking the path for its first line could read a newer file if the writer rotated
  // between the two, and skip the lines the handle still holds. Tail mode anchors the same way
  // when the live file was empty.
  let anchorOnFirst = false;
  const stopped = new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  const emit = async (entry: JournalEntry): Promise<void> => {
    lastSeq = entry.seq;
    // A reader that never catches up (a pager left open) must not keep an abort from ending this.
    if (matchesFilter(entry, opts)) await Promise.race([onEntry(entry), stopped]);
  };
  const deliver = async (texts: string[]): Promise<void> => {
    for (const text of texts) {
      if (opts.signal.aborted) return;
      const entry = parseEntry(text);
      if (entry === undefined) continue;
      if (anchorOnFirst) {
        anchorOnFirst = false;
        lastSeq = Math.max(lastSeq, entry.seq - 1);
      }
      if (entry.seq <= lastSeq) continue;
      if (entry.seq > lastSeq + 1) await fillGap(path, entry.seq, () => lastSeq, emit);
      await emit(entry);
    }
  };

  let cursor: Cursor | undefined;
  if (opts.fromStart === true) {
    cursor = await openCursor(path, false);
    // Older files are history the caller did not ask for, unless it named the seq it read up to:
    // then whatever rotated out of the live file since then is filled in from the older files.
    anchorOnFirst = cursor !== undefined && opts.afterSeq === undefined;
  } else {
    cursor = await openCursor(path, true);
    // Everything already written counts as seen; the gap filler never replays it. Read through
    // the opened handle for the same reason as above: lines added to it after the open are new.
    if (cursor === undefined)
      lastSeq = Math.max(lastSeq, (await lastSeqOf(rotatedJournalPath(path, 1))) ?? 0);
    else {
      const { lastLine } = await tailOf(cursor.handle, cursor.offset);
      const last = lastLine === undefined ? undefined : parseEntry(lastLine)?.seq;
      // An empty live file: all before it is rotated, and its first line is the first new one.
      if (last === undefined) anchorOnFirst = true;
      else lastSeq = Math.max(lastSeq, last);
    }
  }
  try {
    while (!opts.signal.aborted) {
      if (cursor !== undefined) {
        await deliver(await drain(cursor));
        if (await replaced(path, cursor.ino)) {
          await deliver(await drain(cursor));
          await cursor.handle.close();
          cursor = await openCursor(path, false);
          if (cursor !== undefined) continue;
        }
      } else {
        cursor = await openCursor(path, false);
        if (cursor !== undefined) continue;
      }
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        break;
      }
    }
  } finally {
    await cursor?.handle.close();
  }
}

/**
 * Emits the entries between the last one delivered and `before` from the rotated files. Files
 * are renamed while we list and read them, so what we find is gathered by seq and a miss is
 * retried; lines rotated out of existence are a gap we accept, and the lines after it still go.
 */
async function fillGap(
  path: string,
  before: number,
  lastSeq: () => number,
  emit: (entry: JournalEntry) => Promise<void>,
): Promise<void> {
  const found = new Map<number, JournalEntry>();
  for (let attempt = 0; attempt < 5 && lastSeq() + 1 < before; attempt++) {
    if (attempt > 0) await sleep(10 * attempt);
    for (const file of await journalFiles(path)) {
      try {
        const last = await lastSeqOf(file);
        if (last === undefined || last <= lastSeq()) continue;
        for await (const { text, unterminated } of fileLines(file)) {
          const entry = unterminated ? undefined : parseEntry(text);
          if (entry !== undefined && entry.seq > lastSeq() && entry.seq < before) found.set(entry.seq, entry);
        }
      } catch (error) {
        // Renamed away between the listing and the read: another attempt finds it.
        if (!isNotFound(error)) throw error;
      }
    }
    for (let next = found.get(lastSeq() + 1); next !== undefined; next = found.get(lastSeq() + 1))
      await emit(next);
  }
  // What is still missing was deleted with the oldest files: the lines found after it still go.
  for (const seq of [...found.keys()].sort((a, b) => a - b)) {
    const entry = found.get(seq);
    if (entry !== undefined && seq > lastSeq()) await emit(entry);
  }
}

async function lastSeqOf(file: string): Promise<number | undefined> {
  try {
    const { lastLine } = await readTail(file);
    return lastLine === undefined ? undefined : parseEntry(lastLine)?.seq;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function openCursor(path: string, atEnd: boolean): Promise<Cursor | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const st = await handle.stat();
  return { handle, ino: st.ino, offset: atEnd ? st.size : 0, rest: "", decoder: new StringDecoder("utf8") };
}

async function replaced(path: string, ino: number): Promise<boolean> {
  try {
    return (await stat(path)).ino !== ino;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

async function drain(cursor: Cursor): Promise<string[]> {
  const { size } = await cursor.handle.stat();
  if (size < cursor.offset) {
    // The writer cut a torn line at restart: drop our half of it and carry on from the new end.
    cursor.offset = size;
    cursor.rest = "";
    return [];
  }
  const out: string[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  while (cursor.offset < size) {
    const { bytesRead } = await cursor.handle.read(buffer, 0, buffer.length, cursor.offset);
    if (bytesRead === 0) break;
    cursor.offset += bytesRead;
    cursor.rest += cursor.decoder.write(buffer.subarray(0, bytesRead));
    const lines = cursor.rest.split("\n");
    cursor.rest = lines.pop() ?? "";
    out.push(...lines);
  }
  return out;
}
