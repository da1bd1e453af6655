import type { JournalEntry } from "./entry.js";
import { parseEntry } from "./entry.js";
import { closeAll, holdJournalFiles } from "./heldFiles.js";
import { fileLines } from "./lines.js";

export interface JournalFilter {
  /** Only entries at or after this time. */
  since?: Date | undefined;
  /** Only entries about this follower: their `follower` field, or (a bust of its fill) their `account`. */
  follower?: string | undefined;
  /** Only entries of these types. */
  types?: readonly string[] | undefined;
  /** No entries of these types. */
  hiddenTypes?: readonly string[] | undefined;
}

export interface ReadOptions extends JournalFilter {
  /** Told about each line that is not a journal entry (it is skipped). */
  onBadLine?: (file: string, line: number, text: string) => void;
}

export function matchesFilter(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes(entry.type))
    return false;
  if (filter.hiddenTypes?.includes(entry.type)) return false;
  if (filter.follower !== undefined && (entry.follower ?? entry.account) !== filter.follower) return false;
  if (filter.since !== undefined) {
    const at = Date.parse(entry.at);
    if (!(at >= filter.since.getTime())) return false;
  }
  return true;
}

/**
 * Every entry of a journal, rotated files first, in order; bad lines are skipped. The files are
 * those of the moment the read starts (held open), so a rotation during a long read skips nothing.
 */
export async function* readJournal(path: string, opts: ReadOptions = {}): AsyncGenerator<JournalEntry> {
  const held = await holdJournalFiles(path);
  try {
    for (const { file, handle } of held) {
      for await (const { line, text, unterminated } of fileLines(handle)) {
        const entry = parseEntry(text);
        if (entry === undefined) {
          // An unterminated tail is a write in progress, not damage.
          if (!unterminated && text.length > 0) opts.onBadLine?.(file, line, text);
          continue;
        }
        if (matchesFilter(entry, opts)) yield entry;
      }
    }
  } finally {
    await closeAll(held);
  }
}

/**
 * The copier's dedupe ledger: the `key` of every "leaderFill" entry (e.g. "conn:12345"), so a
 * restart never copies a fill twice, and of every "bust" (e.g. "bust:conn:12345"), so it never
 * journals a bust twice.
 */
export async function leaderFillKeys(path: string): Promise<Set<string>> {
  return (await readAtStart(path)).keys;
}

/** What a start takes from the journal, read in one pass. */
export interface StartRecall {
  /** The dedupe ledger's keys (leaderFillKeys). */
  keys: Set<string>;
  /** Each follower's last `followerState` entry: what it was shown as when mimik last ran. */
  lastStates: Map<string, JournalEntry>;
}

export async function readAtStart(path: string): Promise<StartRecall> {
  const keys = new Set<string>();
  const lastStates = new Map<string, JournalEntry>();
  for await (const entry of readJournal(path, { types: ["leaderFill", "bust", "followerState"] })) {
    if (entry.type === "followerState") {
      if (typeof entry.follower === "string") lastStates.set(entry.follower, entry);
    } else if (typeof entry.key === "string") keys.add(entry.key);
  }
  return { keys, lastStates };
}
