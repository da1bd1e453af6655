import { readdir } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

/**
 * Rotated files kept besides the live one (journal.1 … journal.N). Lines are only ever deleted by
 * the rotation that finds N of them, which verify relies on.
 */
export const DEFAULT_MAX_FILES = 5;

/** Where a config's journal lives: <config dir>/journal/<config name>.jsonl. */
export function journalPathFor(configPath: string): string {
  const name = basename(configPath, extname(configPath)) || "mimik";
  return join(dirname(configPath), "journal", `${name}.jsonl`);
}

/** The n-th rotated file of a journal: journal.jsonl → journal.1.jsonl (1 = most recent). */
export function rotatedJournalPath(path: string, n: number): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${n}${ext}`;
}

/** Every file of a journal that exists, oldest first, the live file last. */
export async function journalFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const ext = extname(path);
  const stem = basename(path, ext);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const rotated: { n: number; file: string }[] = [];
  let hasLive = false;
  for (const name of names) {
    if (name === basename(path)) {
      hasLive = true;
      continue;
    }
    if (!name.startsWith(`${stem}.`) || !name.endsWith(ext)) continue;
    const middle = name.slice(stem.length + 1, name.length - ext.length);
    if (/^[1-9]\d*$/.test(middle)) rotated.push({ n: Number(middle), file: join(dir, name) });
  }
  rotated.sort((a, b) => b.n - a.n);
  const files = rotated.map((r) => r.file);
  if (hasLive) files.push(path);
  return files;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ENOENT";
}
