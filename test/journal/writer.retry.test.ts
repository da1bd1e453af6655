import { describe, expect, it, vi } from "vitest";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { freshJournalPath, readLines } from "./helpers.js";

/** What the next append to the live journal file does wrong, once. */
const fault: { kind: "partial" | "sync" | undefined } = { kind: undefined };

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const kind = fault.kind;
    if (kind === undefined || args[1] !== "a" || !String(args[0]).endsWith("main.jsonl")) return handle;
    fault.kind = undefined;
    const failure = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
    if (kind === "partial")
      // A full disk: part of the data lands, then the write fails.
      handle.writeFile = async (data: unknown) => {
        await handle.write(String(data).slice(0, 30));
        throw failure("ENOSPC");
      };
    else handle.datasync = async () => Promise.reject(failure("EIO"));
    return handle;
  };
  return { ...real, open, default: { ...real, open } };
});

let path: string;
freshJournalPath((p) => {
  path = p;
});

describe("JournalWriter when a flush fails and is retried", () => {
  for (const [kind, what] of [
    ["partial", "a write the full disk cut short"],
    ["sync", "a sync that failed after the write"],
  ] as const) {
    it(`writes each line exactly once after ${what}, and the journal verifies`, async () => {
      const w = await JournalWriter.open(path);
      w.append({ type: "a" });
      w.append({ type: "b" });
      fault.kind = kind;
      await expect(w.flush()).rejects.toThrow(/simulated/);
      w.append({ type: "c" });
      await w.close();
      const types = (await readLines(path)).map((l) => (JSON.parse(l) as { type: string }).type);
      expect(types).toEqual(["a", "b", "c"]);
      expect(await verifyJournal(path)).toMatchObject({ ok: true, lines: 3 });
    });
  }
});
