import { open, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActedOnFile, actedOnPathFor } from "../../data/actedOnFile.js";
import {
  MIN_SLOT_BYTES,
  padSlot,
  readSlot,
  readSlots,
  slotBytesFor,
  slotLine,
} from "../../data/actedOnSlots.js";
import { tempDir } from "./fixtures.js";

const LONG = { FOLW0001: { leader: "LEAD", positions: { ESZ6: 2, NQZ6: -1 } } };
const at = (n: number) => ({ FOLW0001: { leader: "LEAD", positions: { ESZ6: n } } });

describe("acted-on slots", () => {
  const good = slotLine(7, LONG);
  const body = good.slice(good.indexOf("{"));
  it.each([
    ["a slot as written, padded", padSlot(good, 4096).toString(), { ok: true, seq: 7, records: LONG }],
    [
      "a slot cut short",
      good.slice(0, -5),
      { ok: false, why: "its checksum does not match (a write cut short)" },
    ],
    [
      "a byte changed",
      good.replace('"ESZ6":2', '"ESZ6":3'),
      { ok: false, why: "its checksum does not match (a write cut short)" },
    ],
    ["spaces (a slot never written)", " ".repeat(4095), { ok: false, why: "not a slot mimik wrote" }],
    ["another program's text", `hello ${body}`, { ok: false, why: "not a slot mimik wrote" }],
  ])("%s", (_, text, expected) => {
    expect(readSlot(text)).toEqual(expected);
  });

  it("refuses records that are not whole-number positions even with a right checksum", () => {
    expect(readSlot(slotLine(1, { F: { leader: "L", positions: { ESZ6: 1.5 } } }))).toEqual({
      ok: false,
      why: "its records are not what mimik writes",
    });
  });

  it.each([
    [100, MIN_SLOT_BYTES],
    [4095, 4096],
    [4096, 8192],
    [9000, 16384],
  ])("a %i-byte line takes a %i-byte slot (a page at least, room for the newline)", (length, bytes) => {
    expect(slotBytesFor("x".repeat(length))).toBe(bytes);
  });

  it("reads the newer whole slot; a torn newer one gives way to the older", () => {
    const older = padSlot(slotLine(4, at(4)), 4096);
    const newer = padSlot(slotLine(5, at(5)), 4096);
    expect(readSlots(Buffer.concat([older, newer]))).toMatchObject({ ok: true, newest: 1, seq: 5 });
    expect(readSlots(Buffer.concat([newer, older]))).toMatchObject({ ok: true, newest: 0, seq: 5 });
    const torn = Buffer.from(newer);
    torn.write("zzzz", 100);
    expect(readSlots(Buffer.concat([older, torn]))).toMatchObject({
      ok: true,
      newest: 0,
      seq: 4,
      records: at(4),
    });
    expect(readSlots(Buffer.concat([torn, torn]))).toEqual({
      ok: false,
      why: "slot 1: its checksum does not match (a write cut short); slot 2: its checksum does not match (a write cut short)",
    });
    expect(readSlots(Buffer.alloc(4097))).toEqual({ ok: false, why: "4097 bytes is not two slots" });
  });
});

describe("ActedOnFile", () => {
  let dir: string;
  let path: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    path = join(dir, "config.acted-on");
  });
  afterEach(async () => {
    await cleanup();
  });

  it("sits beside the state file, named after its config", () => {
    expect(actedOnPathFor("/home/t/.config/mimik/config.state.json")).toBe(
      "/home/t/.config/mimik/config.acted-on",
    );
    expect(actedOnPathFor("/tmp/x/state.json")).toBe("/tmp/x/state.json.acted-on");
  });

  it("writes in place, each write to the slot that does not hold the newest records", async () => {
    const { file } = await ActedOnFile.open(path);
    await file.save(at(1));
    const { ino } = await stat(path);
    expect((await stat(path)).size).toBe(2 * MIN_SLOT_BYTES);
    for (let n = 2; n <= 5; n++) {
      await file.save(at(n));
      const slots = readSlots(await readFile(path));
      expect(slots).toMatchObject({ ok: true, seq: n, records: at(n) });
      // The other slot still holds the write before: a torn write of this one would fall back to it.
      const other = await readFile(path).then((b) =>
        readSlot(
          b
            .subarray(slots.ok && slots.newest === 0 ? MIN_SLOT_BYTES : 0)
            .toString()
            .slice(0, MIN_SLOT_BYTES),
        ),
      );
      expect(other).toMatchObject({ ok: true, seq: n - 1 });
    }
    expect((await stat(path)).ino).toBe(ino);
    await file.close();
    const again = await ActedOnFile.open(path);
    expect(again.file.records).toEqual(at(5));
    await again.file.close();
  });

  it("a write cut short leaves the records before it, and the next write does not overwrite them", async () => {
    const { file } = await ActedOnFile.open(path);
    for (let n = 1; n <= 3; n++) await file.save(at(n));
    await file.close();
    // What kill -9 in the middle of writing seq 4 leaves: the older slot overwritten partway into its line.
    const bytes = await readFile(path);
    const newest = readSlots(bytes);
    if (!newest.ok) throw new Error(newest.why);
    const half = Buffer.from(slotLine(4, at(4))).subarray(0, 60);
    const handle = await open(path, "r+");
    await handle.write(half, 0, half.length, (1 - newest.newest) * MIN_SLOT_BYTES);
    await handle.close();
    const reopened = await ActedOnFile.open(path);
    expect(reopened.problem).toBeUndefined();
    expect(reopened.file.records).toEqual(at(3));
    await reopened.file.save(at(9));
    await reopened.file.close();
    expect(readSlots(await readFile(path))).toMatchObject({ ok: true, seq: 4, records: at(9) });
  });

  it.each([
    ["removed", (p: string) => rm(p), "was gone (removed or replaced)"],
    [
      "replaced by another file",
      (p: string) => writeFile(`${p}.new`, "x").then(() => rename(`${p}.new`, p)),
      "was gone (removed or replaced)",
    ],
    ["cut to nothing", (p: string) => truncate(p, 0), "was cut to 0 bytes"],
  ])(
    "%s while it is held open, it is written whole again at the next save, and said once",
    async (_, harm, said) => {
      const notices: string[] = [];
      const { file } = await ActedOnFile.open(path, (m) => notices.push(m));
      await file.save(LONG);
      await file.save(at(1));
      await harm(path);
      await file.save({ FOLW0002: { leader: "LEAD", positions: { ESZ6: -3 } } });
      await file.save({ FOLW0002: { leader: "LEAD", positions: { ESZ6: -4 } } });
      // What a start after a kill -9 reads: every follower's records, not only the last saved.
      const reopened = await ActedOnFile.open(path);
      expect(reopened.problem).toBeUndefined();
      expect(reopened.file.records).toEqual({
        ...at(1),
        FOLW0002: { leader: "LEAD", positions: { ESZ6: -4 } },
      });
      expect(notices).toEqual([
        `${path} ${said} while mimik ran; written again with what each follower last acted on`,
      ]);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      await reopened.file.close();
      await file.close();
    },
  );

  it("records that outgrow their slot are written again as a file of larger slots", async () => {
    const { file } = await ActedOnFile.open(path);
    await file.save(at(1));
    const many: Record<string, { leader: string; positions: Record<string, number> }> = {};
    for (let i = 0; i < 200; i++)
      many[`FOLW${String(i).padStart(4, "0")}`] = { leader: "LEAD", positions: { ESZ6: i } };
    await file.save(many);
    expect((await stat(path)).size).toBe(2 * 16384);
    await file.save({ FOLW0000: undefined });
    await file.close();
    const again = await ActedOnFile.open(path);
    expect(Object.keys(again.file.records ?? {})).toHaveLength(199);
    expect(again.file.records?.FOLW0001).toEqual(at(1).FOLW0001);
    await again.file.close();
  });

  it("each unreadable file is kept under a name of its own, the problem naming it", async () => {
    const problems: (string | undefined)[] = [];
    for (const text of ["first garbage", "second garbage", "third garbage"]) {
      await writeFile(path, text);
      problems.push((await ActedOnFile.open(path)).problem);
    }
    expect(problems.map((p) => p?.slice(p.indexOf("moved to ")))).toEqual([
      `moved to ${path}.bad`,
      `moved to ${path}.bad.1`,
      `moved to ${path}.bad.2`,
    ]);
    expect(await readFile(`${path}.bad`, "utf8")).toBe("first garbage");
    expect(await readFile(`${path}.bad.1`, "utf8")).toBe("second garbage");
    expect(await readFile(`${path}.bad.2`, "utf8")).toBe("third garbage");
    await expect(stat(path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("the file is only the trader's to read (0600), and a file that is not one is never read", async () => {
    const { file } = await ActedOnFile.open(path);
    await file.save(at(1));
    await file.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFile(path, "x".repeat(8192));
    const opened = await ActedOnFile.open(path);
    expect(opened.file.records).toBeUndefined();
    expect(opened.problem).toMatch(
      /could not be read \(slot 1: not a slot mimik wrote; slot 2: .*\); moved to .*\.bad$/,
    );
  });
});
