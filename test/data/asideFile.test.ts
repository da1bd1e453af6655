import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freeAsideName, moveAside } from "../../data/asideFile.js";
import { tempDir } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

describe("files set aside: each keeps a name of its own", () => {
  it.each<[string, string[], string]>([
    ["none set aside yet", [], "f.bad"],
    ["one set aside before", ["f.bad"], "f.bad.1"],
    ["two before", ["f.bad", "f.bad.1"], "f.bad.2"],
    ["the first free one, in order", ["f.bad", "f.bad.2"], "f.bad.1"],
    ["another tag's names are not taken", ["f.damaged"], "f.bad"],
  ])("%s: moved to %s, nothing before it replaced", async (_what, taken, expected) => {
    for (const name of taken) await writeFile(join(dir, name), `kept ${name}`);
    await writeFile(join(dir, "f"), "unreadable");
    expect(freeAsideName(join(dir, "f"), "bad")).toBe(join(dir, expected));
    expect(await moveAside(join(dir, "f"), "bad")).toBe(join(dir, expected));
    expect(await readFile(join(dir, expected), "utf8")).toBe("unreadable");
    for (const name of taken) expect(await readFile(join(dir, name), "utf8")).toBe(`kept ${name}`);
    expect((await readdir(dir)).sort()).toEqual([...taken, expected].sort());
  });

  it("a file that is not there is an error, and nothing is made", async () => {
    await expect(moveAside(join(dir, "f"), "bad")).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(dir)).toEqual([]);
  });
});
