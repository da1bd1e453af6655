import type { Problem } from "./problems.js";

/** Something about the file on disk the trader should hear about; the repository keeps the last good config. */
export interface ConfigProblemEvent {
  /**
   * "restored": the file is back to the config in force after a problem with it was said, so that
   * warning holds no more (the trader undid a bad edit); nothing changes.
   */
  kind: "invalid-edit" | "refused-edit" | "removed" | "unreadable" | "restored";
  /** One sentence for an alert line. */
  message: string;
  problems: Problem[];
}

/**
 * The event as one alert line: what happened, and why, the first problem with its field (the
 * message alone says only that an edit was kept out; `mimik config check` lists every problem).
 */
export function problemEventLine(event: ConfigProblemEvent): string {
  const [first, ...more] = event.problems;
  if (!first) return event.message;
  const why = `${placed(first)}${first.fix ? ` (${first.fix})` : ""}`;
  return `${event.message}: ${why}${more.length > 0 ? ` (and ${more.length} more: mimik config check lists them)` : ""}`;
}

/** A problem with where it is in the file, for a sentence ("line 21, groups[0].name: …"). */
export function placed(p: Problem): string {
  const where =
    p.line !== undefined
      ? p.path
        ? `line ${p.line}, ${p.path}: `
        : `line ${p.line}, column ${p.column ?? 1}: `
      : p.path
        ? `${p.path}: `
        : "";
  return `${where}${p.message}`;
}
