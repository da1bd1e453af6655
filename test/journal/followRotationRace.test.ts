import type * as fsp from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import type { JournalEntry } from "../../data/journal/entry.js";
import { followJournal } from "../../data/journal/follow.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { tempDir, waitFor } from "./helpers.js";

// Rotation can land between the follower opening the live file and its next look at the path.
// The hook makes that happen every time instead of one run in a few hundred.
const hook: { path?: string; afterOpen?: () => Promise<void> } = {};
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof fsp>();
  const open: typeof real.open = async (file, flags, mode) => {
    const handle = await real.open(file, flags, mode);
    const afterOpen = hook.afterOpen;
    if (file === hook.path && flags === "r" && afterOpen !== undefined) {
      hook.afterOpen = undefined;
      await afterOpen();
    }
    return handle;
  };
  return { ...real, open };
});

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
});

it.each([
  ["from the start", true, [1, 2, 3, 4, 5, 6]],
  ["from its end", false, [2, 3, 4, 5, 6]],
] as const)("reads a file rotated right after it opened it, %s", async (_, fromStart, expected) => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  const path = join(dir, "j.jsonl");
  const w = await JournalWriter.open(path, { maxBytes: 250, maxFiles: 10 });
  w.append({ type: "copy", i: 0 });
  await w.flush();
  hook.path = path;
  hook.afterOpen = async () => {
    for (let i = 1; i < 6; i++) w.append({ type: "copy", i, pad: "p".repeat(40) });
    await w.flush();
  };
  const controller = new AbortController();
  const seen: JournalEntry[] = [];
  const done = followJournal(
    path,
    (e) => {
      seen.push(e);
    },
    { signal: controller.signal, pollMs: 10, fromStart },
  );
  await waitFor(() => seen.length >= expected.length).catch(() => {
    throw new Error(`saw ${JSON.stringify(seen.map((e) => e.seq))}`);
  });
  expect(hook.afterOpen).toBeUndefined();
  expect(seen.map((e) => e.seq)).toEqual(expected);
  controller.abort();
  await done;
  await w.close();
});
