import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actedOnPathFor } from "../../data/actedOnFile.js";
import { RuntimeStateRepository, StateError } from "../../data/state.js";
import type { FollowerRiskRecord } from "../../engine/types.js";
import { tempDir } from "./fixtures.js";

let dir: string;
let file: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  file = join(dir, "config.state.json");
});
afterEach(async () => {
  await cleanup();
});

const locked: FollowerRiskRecord = {
  state: "LOCKED",
  lockKind: "trailing",
  lockReason: "trailing drawdown $750 reached",
  lockedAt: 1_790_000_000_000,
  highWaterMark: 51_250,
  startOfDayBalance: 50_000,
  tradingDay: "2026-11-23",
  tradesToday: 4,
};

describe("RuntimeStateRepository", () => {
  it("starts empty when the file does not exist, without creating it", async () => {
    const repo = await RuntimeStateRepository.open(file);
    expect(repo.read()).toEqual({ version: 1, followers: {} });
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("saves a lock durably with mode 0600, and it survives reopening", async () => {
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("DEMO2001", locked);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await RuntimeStateRepository.open(file);
    expect(again.read().followers.DEMO2001).toEqual(locked);
  });

  it("a file from before issue 18 (no actedOn) still loads, and keeps its locks when actedOn is added", async () => {
    const old = { version: 1, followers: { DEMO2001: locked }, lastRollAt: 1_790_000_000_000 };
    await writeFile(file, JSON.stringify(old), { mode: 0o600 });
    const repo = await RuntimeStateRepository.open(file);
    expect(repo.read()).toEqual(old);
    await repo.saveActedOn({ DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 2, NQZ6: -1 } } });
    await repo.saveActedOn({ DEMO2002: { leader: "DEMO1000", positions: {} } });
    const again = await RuntimeStateRepository.open(file);
    expect(again.read()).toEqual({
      ...old,
      actedOn: {
        DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 2, NQZ6: -1 } },
        DEMO2002: { leader: "DEMO1000", positions: {} },
      },
    });
    await again.saveActedOn({ DEMO2001: undefined });
    expect(Object.keys((await RuntimeStateRepository.open(file)).read().actedOn ?? {})).toEqual(["DEMO2002"]);
  });

  it("acted-on records an older mimik kept in the state file move to their own file, and leave the state file at its next save", async () => {
    const acted = { DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 2 } } };
    await writeFile(file, JSON.stringify({ version: 1, followers: { DEMO2001: locked }, actedOn: acted }), {
      mode: 0o600,
    });
    const repo = await RuntimeStateRepository.open(file);
    expect(repo.read()).toEqual({ version: 1, followers: { DEMO2001: locked }, actedOn: acted });
    expect((await stat(actedOnPathFor(file))).mode & 0o777).toBe(0o600);
    await repo.saveFollower("DEMO2002", locked);
    expect(JSON.parse(await readFile(file, "utf8"))).not.toHaveProperty("actedOn");
    const again = await RuntimeStateRepository.open(file);
    expect(again.read().actedOn).toEqual(acted);
    expect(again.read().followers).toEqual({ DEMO2001: locked, DEMO2002: locked });
  });

  it("saving what followers acted on never rewrites the state file", async () => {
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("DEMO2001", locked);
    const before = await stat(file, { bigint: true });
    for (let i = 1; i <= 5; i++)
      await repo.saveActedOn({ DEMO2001: { leader: "DEMO1000", positions: { ESZ6: i } } });
    const after = await stat(file, { bigint: true });
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    expect((await RuntimeStateRepository.open(file)).read().actedOn?.DEMO2001?.positions).toEqual({
      ESZ6: 5,
    });
  });

  it("a damaged acted-on file is moved aside and told; the locks load and the records start empty", async () => {
    await writeFile(file, JSON.stringify({ version: 1, followers: { DEMO2001: locked } }), { mode: 0o600 });
    await writeFile(actedOnPathFor(file), "garbage\n", { mode: 0o600 });
    const repo = await RuntimeStateRepository.open(file);
    expect(repo.notes).toEqual([
      `${actedOnPathFor(file)} could not be read (slot 1: not a slot mimik wrote; slot 2: not a slot mimik wrote); moved to ${actedOnPathFor(file)}.bad`,
    ]);
    expect(repo.read()).toEqual({ version: 1, followers: { DEMO2001: locked } });
    expect(await readFile(`${actedOnPathFor(file)}.bad`, "utf8")).toBe("garbage\n");
    await repo.saveActedOn({ DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 1 } } });
    expect((await RuntimeStateRepository.open(file)).read().actedOn?.DEMO2001?.positions).toEqual({
      ESZ6: 1,
    });
  });

  it("issue 16: a weekly lock, the week's start and the day's peak are saved; a file without them still loads", async () => {
    const weekly: FollowerRiskRecord = {
      ...locked,
      lockKind: "weekly",
      lockReason: "weekly loss limit: week P&L -$1500.00 reached −$1500.00",
      dayPeak: 51_400,
      weekStartBalance: 51_000,
      tradingWeek: "2026-11-23",
    };
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("DEMO2001", weekly);
    expect((await RuntimeStateRepository.open(file)).read().followers.DEMO2001).toEqual(weekly);
    await writeFile(file, JSON.stringify({ version: 1, followers: { DEMO2002: locked } }), { mode: 0o600 });
    expect((await RuntimeStateRepository.open(file)).read().followers.DEMO2002).toEqual(locked);
  });

  it("a forced unlock's waiver of the daily limits is saved and read back", async () => {
    const waived: FollowerRiskRecord = { ...locked, state: "ACTIVE", waivedDay: "2026-11-23" };
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("DEMO2001", waived);
    expect((await RuntimeStateRepository.open(file)).read().followers.DEMO2001).toEqual(waived);
  });

  it("a flatten's liquidations (by their order, or by a close's time where it names none) are saved and read back", async () => {
    const flattened: FollowerRiskRecord = {
      ...locked,
      flattenOrders: [
        { contract: "ESZ6", orderId: 4_101, sentAt: 1_000, answeredAt: 1_020 },
        { contract: "NQZ6", sentAt: 1_000, answeredAt: 1_030 },
        // Saved before it went, its answer never in (a kill -9 on the way): no answer time.
        { contract: "MESZ6", sentAt: 1_040 },
      ],
    };
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("DEMO2001", flattened);
    expect((await RuntimeStateRepository.open(file)).read().followers.DEMO2001).toEqual(flattened);
  });

  it("issue 16: marks taken of a shadow's would-be P&L are saved as such, with its account's kept aside, and read back", async () => {
    const live = { tradingDay: "2026-11-23", startOfDayBalance: 50_000, highWaterMark: 51_000 };
    const shadow: FollowerRiskRecord = {
      ...locked,
      startOfDayBalance: 0,
      highWaterMark: 250,
      shadow: true,
      live,
    };
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("DEMO2001", shadow);
    expect((await RuntimeStateRepository.open(file)).read().followers.DEMO2001).toEqual(shadow);
  });

  it("an actedOn position that is not a whole number is refused like any other bad field", async () => {
    const bad = {
      version: 1,
      followers: {},
      actedOn: { DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 1.5 } } },
    };
    await writeFile(file, JSON.stringify(bad), { mode: 0o600 });
    await expect(RuntimeStateRepository.open(file)).rejects.toBeInstanceOf(StateError);
  });

  it("a record that would not load again is refused before it is written, naming its field", async () => {
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveActedOn({ DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 1 } } });
    await repo.saveFollower("DEMO2001", locked);
    const before = [await readFile(file, "utf8"), await readFile(actedOnPathFor(file), "utf8")];
    const error = await repo
      .saveActedOn({ DEMO2002: { leader: "DEMO1000", positions: { ESZ6: 1.5 } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).problems[0]?.path).toBe("actedOn.DEMO2002.positions.ESZ6");
    await expect(
      repo.saveFollower("DEMO2003", { state: "SLEEPY" } as unknown as FollowerRiskRecord),
    ).rejects.toBeInstanceOf(StateError);
    expect([await readFile(file, "utf8"), await readFile(actedOnPathFor(file), "utf8")]).toEqual(before);
    expect(repo.read().actedOn).toEqual({ DEMO2001: { leader: "DEMO1000", positions: { ESZ6: 1 } } });
  });

  it("keeps every record when many followers save at once", async () => {
    const repo = await RuntimeStateRepository.open(file);
    const names = Array.from({ length: 12 }, (_, i) => `F${i}`);
    await Promise.all(names.map((n, i) => repo.saveFollower(n, { state: "ACTIVE", highWaterMark: i })));
    const again = await RuntimeStateRepository.open(file);
    expect(Object.keys(again.read().followers).sort()).toEqual([...names].sort());
    expect(again.read().followers.F7?.highWaterMark).toBe(7);
  });

  it("updates other fields (last roll) and hands out frozen snapshots", async () => {
    const repo = await RuntimeStateRepository.open(file);
    await repo.update((s) => {
      s.lastRollAt = 123;
    });
    expect(repo.read().lastRollAt).toBe(123);
    expect(Object.isFrozen(repo.read())).toBe(true);
  });

  it("refuses a corrupt file with line, column and how to move it aside, and leaves it untouched", async () => {
    await writeFile(file, '{"version": 1, "followers": {"A": {"state": "LOCKED",}}}');
    const error = await RuntimeStateRepository.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).message).toMatch(/config\.state\.json:1:\d+: not valid JSON.*mv .*\.bad/);
    expect(await readFile(file, "utf8")).toBe('{"version": 1, "followers": {"A": {"state": "LOCKED",}}}');
  });

  it("names a free name to move a corrupt file to, never one an earlier bad file is kept under", async () => {
    await writeFile(`${file}.bad`, "an earlier bad state");
    await writeFile(file, "{");
    const error = await RuntimeStateRepository.open(file).catch((e: unknown) => e);
    expect((error as StateError).message).toContain(`(mv ${file} ${file}.bad.1)`);
    await writeFile(file, JSON.stringify({ version: 1, followers: { A: { state: "FROZEN" } } }));
    const shape = await RuntimeStateRepository.open(file).catch((e: unknown) => e);
    expect((shape as StateError).message).toContain(`(mv ${file} ${file}.bad.1)`);
  });

  it("refuses a state with a wrong shape, naming the field", async () => {
    await writeFile(file, JSON.stringify({ version: 1, followers: { A: { state: "FROZEN" } } }));
    const error = await RuntimeStateRepository.open(file).catch((e: unknown) => e);
    expect((error as StateError).problems[0]?.path).toBe("followers.A.state");
  });

  it("refuses a state written by a newer mimik", async () => {
    await writeFile(file, JSON.stringify({ version: 2, followers: {} }));
    await expect(RuntimeStateRepository.open(file)).rejects.toThrow(/newer mimik/);
  });

  it("picks up a foreign change before saving instead of overwriting it", async () => {
    const repo = await RuntimeStateRepository.open(file);
    await repo.saveFollower("A", { state: "ACTIVE" });
    await writeFile(file, JSON.stringify({ version: 1, followers: { A: { state: "ACTIVE" }, B: locked } }));
    await repo.saveFollower("C", { state: "ACTIVE" });
    const again = await RuntimeStateRepository.open(file);
    expect(Object.keys(again.read().followers).sort()).toEqual(["A", "B", "C"]);
  });

  it.each([
    ["emptied", () => writeFile(file, ""), "was emptied (0 bytes)"],
    ["emptied but for a newline", () => writeFile(file, "\n"), "was emptied (1 bytes)"],
    ["removed", () => rm(file), "was gone"],
  ])("%s under it, the next save writes every lock it holds again, said once", async (_, harm, said) => {
    const notices: string[] = [];
    const repo = await RuntimeStateRepository.open(file, { notice: (m) => notices.push(m) });
    await repo.saveFollower("A", locked);
    await harm();
    await repo.saveFollower("B", { state: "LOCKED", lockKind: "manual", lockReason: "manual" });
    await repo.saveFollower("C", { state: "ACTIVE" });
    const again = await RuntimeStateRepository.open(file);
    expect(again.read().followers).toEqual({
      A: locked,
      B: { state: "LOCKED", lockKind: "manual", lockReason: "manual" },
      C: { state: "ACTIVE" },
    });
    expect(notices).toEqual([
      `${file} ${said} while mimik ran; written again with the locks and marks mimik holds`,
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe("saving several followers at once", () => {
  it("writes every record in one atomic save and keeps the others", async () => {
    const path = join(dir, "many.state.json");
    const repo = await RuntimeStateRepository.open(path);
    await repo.saveFollower("KEEP", { state: "LOCKED", lockKind: "manual" });
    await repo.saveFollowers({
      A: { state: "ACTIVE", highWaterMark: 51000 },
      B: { state: "ACTIVE", tradesToday: 3 },
    });
    const reopened = await RuntimeStateRepository.open(path);
    expect(reopened.read().followers).toEqual({
      KEEP: { state: "LOCKED", lockKind: "manual" },
      A: { state: "ACTIVE", highWaterMark: 51000 },
      B: { state: "ACTIVE", tradesToday: 3 },
    });
  });
});
