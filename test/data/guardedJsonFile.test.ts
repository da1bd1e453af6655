import { readFile, rename, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { FileChangedError, GuardedJsonFile } from "../../data/guardedJsonFile.js";
import { tempDir } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const decode = (text: string) => JSON.parse(text) as { a: number };

it("refuses to overwrite content it has not read, even if the change lands just before the rename", async () => {
  const file = join(dir, "f.json");
  await writeFile(file, '{"a":1}');
  const adapter = new GuardedJsonFile(file, { decode });
  expect(await adapter.read()).toEqual({ a: 1 });
  await writeFile(file, '{"a":2}'); // a hand edit
  await expect(adapter.write({ a: 3 })).rejects.toBeInstanceOf(FileChangedError);
  expect(await readFile(file, "utf8")).toBe('{"a":2}');
});

it("writes after reading, and then accepts its own write as read", async () => {
  const file = join(dir, "f.json");
  await writeFile(file, '{"a":1}');
  const adapter = new GuardedJsonFile(file, { decode });
  await adapter.read();
  await adapter.write({ a: 2 });
  await adapter.write({ a: 3 });
  expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ a: 3 });
});

it("tells an edit of the same size made after its own write, and a replacement by rename", async () => {
  const file = join(dir, "f.json");
  await writeFile(file, '{"a":1}');
  const adapter = new GuardedJsonFile(file, { decode });
  await adapter.read();
  await adapter.write({ a: 2 });
  expect(await adapter.unchanged()).toBe(true);
  const written = await readFile(file, "utf8");
  await writeFile(file, written.replace("2", "7")); // same size, same inode
  expect(await adapter.unchanged()).toBe(false);
  await expect(adapter.write({ a: 3 })).rejects.toBeInstanceOf(FileChangedError);

  await adapter.read();
  await writeFile(`${file}.new`, JSON.stringify({ a: 9 }));
  await rename(`${file}.new`, file);
  expect(await adapter.unchanged()).toBe(false);
});

it("a file touched but not changed is still its own: the content decides", async () => {
  const file = join(dir, "f.json");
  await writeFile(file, '{"a":1}');
  const adapter = new GuardedJsonFile(file, { decode });
  await adapter.read();
  await utimes(file, new Date(), new Date(Date.now() + 5_000));
  expect(await adapter.unchanged()).toBe(true);
  await adapter.write({ a: 2 });
  expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ a: 2 });
});
