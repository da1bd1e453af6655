import { spawn } from "node:child_process";
import { mkdir, readdir, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JournalWriter } from "../../data/journal/writer.js";
import { ConfigRepository } from "../../data/repository.js";
import { removeStaleTemps, STALE_TEMP_AGE_MS } from "../../data/staleTemps.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { tempDir, validRaw } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

/** What a save killed between writing its temp file and the rename leaves behind. */
async function leftover(file: string, pid: number, hex = "0badf00d"): Promise<string> {
  const name = join(dir, `.${file}.${pid}.${hex}.tmp`);
  await writeFile(name, "{half a save");
  return name;
}

describe("removeStaleTemps", () => {
  it("removes temp files whose pid is dead, and those older than the bound whatever their pid", async () => {
    const target = join(dir, "config.json");
    const dead = await leftover("config.json", await deadPid());
    const mine = await leftover("config.json", process.pid, "00000001");
    const oldMine = await leftover("config.json", process.pid, "00000002");
    const old = new Date(Date.now() - STALE_TEMP_AGE_MS - 60_000);
    await utimes(oldMine, old, old);
    const otherFile = await leftover("other.json", await deadPid());
    await writeFile(join(dir, ".config.json.notatemp"), "");
    expect((await removeStaleTemps(target)).sort()).toEqual([dead, oldMine].sort());
    expect((await readdir(dir)).sort()).toEqual(
      [".config.json.notatemp", mine.slice(dir.length + 1), otherFile.slice(dir.length + 1)].sort(),
    );
  });

  it("keeps a fresh temp file of a live process: a save in flight", async () => {
    const live = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      const fresh = await leftover("config.json", live.pid!);
      expect(await removeStaleTemps(join(dir, "config.json"))).toEqual([]);
      expect(await readdir(dir)).toEqual([fresh.slice(dir.length + 1)]);
    } finally {
      live.kill("SIGKILL");
    }
  });

  it("looks beside the target of a symlink, where saves put their temp files", async () => {
    await mkdir(join(dir, "real"));
    await writeFile(join(dir, "real", "config.json"), "{}");
    await symlink(join(dir, "real", "config.json"), join(dir, "link.json"));
    const pid = await deadPid();
    const stale = join(dir, "real", `.config.json.${pid}.0badf00d.tmp`);
    await writeFile(stale, "");
    expect(await removeStaleTemps(join(dir, "link.json"))).toEqual([stale]);
  });
});

describe("opening the config, the state and the journal clears their stale temp files", () => {
  it("ConfigRepository.open", async () => {
    const file = join(dir, "config.json");
    await writeFile(file, JSON.stringify(validRaw()));
    await leftover("config.json", await deadPid());
    const repo = await ConfigRepository.open(file);
    await repo.close();
    expect(await readdir(dir)).toEqual(["config.json"]);
  });

  it("RuntimeStateRepository.open", async () => {
    await leftover("config.state.json", await deadPid());
    const state = await RuntimeStateRepository.open(join(dir, "config.state.json"));
    await state.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it("JournalWriter.open (the anchor's temp files)", async () => {
    const journal = join(dir, "main.jsonl");
    await leftover("main.anchor.json", await deadPid());
    const w = await JournalWriter.open(journal);
    await w.close();
    expect(await readdir(dir)).toEqual([]);
  });
});
