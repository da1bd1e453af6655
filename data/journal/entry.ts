/** One journal line as read back: the writer's envelope plus whatever payload the event had. */
export interface JournalEntry {
  seq: number;
  /** ISO time. */
  at: string;
  type: string;
  prev: string;
  [key: string]: unknown;
}

/** Parses one line; undefined when it is not a well-formed journal entry. */
export function parseEntry(text: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isJournalEntry(value) ? value : undefined;
}

export function isJournalEntry(value: unknown): value is JournalEntry {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.seq === "number" &&
    Number.isInteger(v.seq) &&
    typeof v.at === "string" &&
    typeof v.type === "string" &&
    typeof v.prev === "string"
  );
}
