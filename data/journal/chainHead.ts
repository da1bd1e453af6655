import { stat } from "node:fs/promises";
import type { ChainEnd } from "./anchor.js";
import { parseEntry } from "./entry.js";
import { GENESIS_HASH, lineHash } from "./hash.js";
import { fileLines, readTail } from "./lines.js";
import { isNotFound, journalFiles, rotatedJournalPath } from "./paths.js";
import { JournalDamagedError } from "./tail.js";

/**
 * Reads the end of the live file (or of journal.1 when the live file is empty, e.g. a crash right
 * after a rotation) to continue the chain. The torn tail has already been set aside.
 */
export async function findChainHead(path: string): Promise<{ head: ChainEnd; size: number }> {
  let size = 0;
  for (const file of [path, rotatedJournalPath(path, 1)]) {
    let tail: Awaited<ReturnType<typeof readTail>>;
    try {
      tail = await readTail(file);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    if (file === path) size = (await stat(file)).size;
    if (tail.lastLine !== undefined) return { head: headFrom(file, tail.lastLine), size };
  }
  return { head: { seq: 0, hash: GENESIS_HASH, prev: GENESIS_HASH }, size };
}

function headFrom(file: string, lastLine: string): ChainEnd {
  const entry = parseEntry(lastLine);
  if (entry === undefined || entry.seq < 0)
    throw new JournalDamagedError(file, `the last line of ${file} is not a journal entry`);
  return { seq: entry.seq, hash: lineHash(lastLine), prev: entry.prev };
}

/**
 * The line with this seq, newest file first: usually a few lines back in the live file, but a
 * flush that rotated more than once before a crash leaves it further back, and verify finds it there.
 */
export async function lineWithSeq(path: string, seq: number): Promise<ChainEnd | undefined> {
  for (const file of (await journalFiles(path)).reverse()) {
    try {
      for await (const { text, unterminated } of fileLines(file)) {
        const entry = unterminated ? undefined : parseEntry(text);
        if (entry?.seq === seq) return { seq, hash: lineHash(text), prev: entry.prev };
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return undefined;
}
