import { unlink } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";
import { readAnchor } from "../../data/journal/anchor.js";
import { verifyJournal } from "../../data/journal/verify.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { freshJournalPath, readLines } from "./helpers.js";

/** Every path the writer opened, in order. */
const opened: string[] = [];
/** Set: the live file's open descriptor goes bad (every stat on it fails from then on). */
const fault = { badDescriptor: false };

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => {
    opened.push(String(args[0]));
    const handle = await real.open(...args);
    if (!String(args[0]).endsWith("main.jsonl")) return handle;
    let bad = false;
    const stat = handle.stat.bind(handle);
    handle.stat = (async (...a: Parameters<typeof stat>) => {
      if (fault.badDescriptor) {
        fault.badDescriptor = false;
        bad = true;
      }
      if (bad) throw Object.assign(new Error("ESTALE: simulated"), { code: "ESTALE" });
      return stat(...a);
    }) as typeof handle.stat;
    return handle;
  };
  return { ...real, open, default: { ...real, open } };
});

let path: string;
freshJournalPath((p) => {
  path = p;
});

const types = async (file: string) =>
  (await readLines(file)).map((l) => (JSON.parse(l) as { type: string }).type);

describe("JournalWriter's live file and anchor, held open between flushes", () => {
  it("opens each once for any number of flushes", async () => {
    const w = await JournalWriter.open(path);
    opened.length = 0;
    for (const type of ["a", "b", "c", "d"]) {
      w.append({ type });
      await w.flush();
    }
    await w.close();
    expect(opened.filter((p) => p.endsWith("main.jsonl"))).toHaveLength(1);
    expect(opened.filter((p) => p.endsWith("main.anchor.json"))).toHaveLength(1);
    expect(await types(path)).toEqual(["a", "b", "c", "d"]);
    expect(await readAnchor(path)).toMatchObject({ kind: "ok", anchor: { seq: 4 } });
  });

  it("opens the path again after its descriptor went bad, and loses no line", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.flush();
    fault.badDescriptor = true;
    w.append({ type: "b" });
    await expect(w.flush()).rejects.toThrow(/ESTALE/);
    w.append({ type: "c" });
    await w.close();
    expect(await types(path)).toEqual(["a", "b", "c"]);
  });

  it("writes to the path again, not to a deleted file, when the journal is removed under it", async () => {
    const w = await JournalWriter.open(path);
    w.append({ type: "a" });
    await w.flush();
    await unlink(path);
    w.append({ type: "b" });
    await w.close();
    expect(await types(path)).toEqual(["b"]);
  });

  it("lets the file go before a rotation renames it, so later lines reach the new live file", async () => {
    const w = await JournalWriter.open(path, { maxBytes: 200 });
    for (const type of ["a", "b", "c", "d", "e", "f"]) {
      w.append({ type, pad: "x".repeat(40) });
      await w.flush();
    }
    await w.close();
    const rotated = path.replace(/\.jsonl$/, ".1.jsonl");
    expect([...(await types(rotated)), ...(await types(path))].slice(-2)).toEqual(["e", "f"]);
    expect(await verifyJournal(path)).toMatchObject({ ok: true });
  });
});
