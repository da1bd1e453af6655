/**
 * Two configs named alike in one folder (a.json and a, or a.conf) would share one runtime state
 * and one journal (both named after the name without its extension) while their instance locks
 * differ: the state file says whose it is, and the other config is refused before it changes
 * anything. Older files (no owner) are adopted; the same config through a link is the same owner.
 */
import { mkdir, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimConfig } from "../../data/configClaim.js";
import { configFilesFor } from "../../data/configIdentity.js";
import { type Config, configSchema } from "../../data/schema.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { SharedStateError } from "../../data/stateOwner.js";
import { tempDir, validRaw } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
let locks: string;
let aJson: string;
let aBare: string;
const state = () => join(dir, "a.state.json");

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  locks = join(dir, "locks");
  aJson = join(dir, "a.json");
  aBare = join(dir, "a");
  await writeFile(aJson, JSON.stringify(validRaw()));
  await writeFile(aBare, JSON.stringify(validRaw()));
});
afterEach(() => cleanup());

const config = (): Config => configSchema.parse(validRaw()) as Config;
const claim = (path: string) => claimConfig(configFilesFor(path), config(), { accountLockDir: locks });
const LOCKED = {
  state: "LOCKED",
  lockKind: "manual",
  lockReason: "by hand",
  lockedAt: 1,
  highWaterMark: 52_000,
};

/** The config runs, keeps a manual lock and a high-water mark, writes its journal, and stops. */
async function runAndStop(path: string): Promise<void> {
  const claimed = await claim(path);
  const repo = await RuntimeStateRepository.open(claimed.files.state);
  await repo.saveFollower("DEMO2001", LOCKED as never);
  await repo.close();
  await mkdir(join(dir, "journal"), { recursive: true });
  await writeFile(claimed.files.journal, '{"seq":1}\n');
  await claimed.release();
}

describe("two configs named alike in one folder", () => {
  it("share file names: the second is refused with both files named and how to fix it, the first's left as they were", async () => {
    expect(configFilesFor(aBare).state).toBe(configFilesFor(aJson).state);
    expect(configFilesFor(aBare).journal).toBe(configFilesFor(aJson).journal);
    await runAndStop(aJson);
    const before = await readFile(state(), "utf8");

    const second = claim(aBare);
    await expect(second).rejects.toBeInstanceOf(SharedStateError);
    const message = await claim(aBare).catch((e: Error) => e.message);
    expect(message).toContain(`${aBare} would share its runtime state ${state()}`);
    expect(message).toContain(`journal ${join(dir, "journal", "a.jsonl")} with ${aJson}, whose they are`);
    expect(message).toContain(`mv ${aBare} ${join(dir, "a-2")}`);

    expect(await readFile(state(), "utf8")).toBe(before);
    expect(await readFile(join(dir, "journal", "a.jsonl"), "utf8")).toBe('{"seq":1}\n');
    // Its instance lock was given back: renamed, it runs.
    expect(await readdir(dir)).not.toContain("a.lock");
    // The first still runs, its lock and mark where it left them.
    await runAndStop(aJson);
    const repo = await RuntimeStateRepository.open(state());
    expect(repo.read().followers.DEMO2001).toMatchObject({ lockKind: "manual", highWaterMark: 52_000 });
    await repo.close();
  });

  it("the second is refused while the first runs too (its instance lock is another file)", async () => {
    const first = await claim(aJson);
    await expect(
      claimConfig(configFilesFor(aBare), config(), { accountLockDir: join(dir, "other-locks") }),
    ).rejects.toBeInstanceOf(SharedStateError);
    await first.release();
  });

  it("started at the same instant, one claims the state and the other is refused, with no state file yet or an unowned one", async () => {
    for (const start of [undefined, JSON.stringify({ version: 1, followers: {} })]) {
      if (start === undefined) await rm(state(), { force: true });
      else await writeFile(state(), start);
      const both = await Promise.allSettled([
        claim(aJson),
        claimConfig(configFilesFor(aBare), config(), { accountLockDir: join(dir, "other-locks") }),
      ]);
      const won = both.filter((r) => r.status === "fulfilled");
      const lost = both.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(SharedStateError)]);
      const owner = JSON.parse(await readFile(state(), "utf8")).config;
      expect(owner).toBe(both[0]!.status === "fulfilled" ? aJson : aBare);
      await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
      await rm(state(), { force: true });
    }
    // Nothing of the claim is left behind in the folder.
    expect((await readdir(dir)).filter((name) => name.startsWith("a.state.json"))).toEqual([]);
  });

  it("a config with no state yet owns it once claimed: the other is refused before either saved anything", async () => {
    const first = await claim(aJson);
    await first.release();
    expect(JSON.parse(await readFile(state(), "utf8"))).toEqual({ version: 1, followers: {}, config: aJson });
    await expect(claim(aBare)).rejects.toBeInstanceOf(SharedStateError);
  });
});

describe("an owner on record", () => {
  it("is adopted from an older mimik's state file (no owner), everything in it kept, and kept by later saves", async () => {
    const old = { version: 1, followers: { DEMO2001: LOCKED }, lastRollAt: 7 };
    await writeFile(state(), JSON.stringify(old));
    const claimed = await claim(aBare);
    expect(JSON.parse(await readFile(state(), "utf8"))).toEqual({ ...old, config: aBare });
    const repo = await RuntimeStateRepository.open(state());
    expect(repo.read().followers.DEMO2001).toMatchObject(LOCKED);
    await repo.saveFollower("DEMO2002", { state: "ACTIVE" });
    await repo.update((draft) => {
      draft.lastRollAt = 8;
    });
    await repo.close();
    await claimed.release();
    expect(JSON.parse(await readFile(state(), "utf8"))).toMatchObject({ config: aBare, lastRollAt: 8 });
    await expect(claim(aJson)).rejects.toBeInstanceOf(SharedStateError);
  });

  it("is the config's real path: the same config through a link, or a linked folder, is its owner", async () => {
    await runAndStop(aJson);
    await symlink(aJson, join(dir, "link.json"));
    await mkdir(join(dir, "sub"));
    await symlink(dir, join(dir, "sub", "folder"));
    const viaLink = await claim(join(dir, "link.json"));
    await viaLink.release();
    const viaFolder = await claim(join(dir, "sub", "folder", "a.json"));
    await viaFolder.release();
    expect(JSON.parse(await readFile(state(), "utf8")).config).toBe(aJson);
  });

  it("in another folder (the folder copied, its original still there) gives way: that state file is the copy's own", async () => {
    await runAndStop(aJson);
    const copy = join(dir, "copy");
    await mkdir(copy);
    await writeFile(join(copy, "a.json"), await readFile(aJson));
    await writeFile(join(copy, "a.state.json"), await readFile(state()));
    const claimed = await claim(join(copy, "a.json"));
    await claimed.release();
    const kept = JSON.parse(await readFile(join(copy, "a.state.json"), "utf8"));
    expect(kept).toMatchObject({
      config: join(copy, "a.json"),
      followers: { DEMO2001: { lockKind: "manual" } },
    });
    expect(JSON.parse(await readFile(state(), "utf8")).config).toBe(aJson);
  });

  it("whose config file is gone (a.json renamed a.conf) gives way: the renamed config keeps its state", async () => {
    await runAndStop(aJson);
    const aConf = join(dir, "a.conf");
    await rename(aJson, aConf);
    const claimed = await claim(aConf);
    await claimed.release();
    const kept = JSON.parse(await readFile(state(), "utf8"));
    expect(kept).toMatchObject({ config: aConf, followers: { DEMO2001: { lockKind: "manual" } } });
  });
});
