import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "mimik-journal-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Each test gets a journal path (journal/main.jsonl) in a temp dir of its own, removed after it. */
export function freshJournalPath(set: (path: string) => void): void {
  let cleanup: () => Promise<void> = async () => {};
  beforeEach(async () => {
    const made = await tempDir();
    cleanup = made.cleanup;
    set(join(made.dir, "journal", "main.jsonl"));
  });
  afterEach(() => cleanup());
}

export async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  return text.split("\n").filter((l) => l.length > 0);
}

/** Polls until `check` is true or the deadline passes (no fixed sleeps in tests). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
