import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AccountLockedError } from "../../data/accountLocks.js";
import { claimConfig } from "../../data/configClaim.js";
import { configFilesFor, realConfigPath } from "../../data/configIdentity.js";
import { InstanceLockedError } from "../../data/instanceLock.js";
import { type Config, configSchema } from "../../data/schema.js";
import { controlSocketPath } from "../../src/control/socketPath.js";
import { tempDir, validRaw } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
let target: string;
let link: string;
let locks: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(join(dir, "real"));
  target = join(dir, "real", "config.json");
  await writeFile(target, JSON.stringify(validRaw()));
  link = join(dir, "link.json");
  await symlink(target, link);
  locks = join(dir, "locks");
});
afterEach(() => cleanup());

function config(url?: string): Config {
  const raw = validRaw();
  if (url) raw.connections[0] = { ...raw.connections[0], url };
  return configSchema.parse(raw) as Config;
}

describe("one identity per config: its real path", () => {
  it("is the same through a symlink, a symlinked folder and ../", async () => {
    await symlink(join(dir, "real"), join(dir, "folder-link"));
    expect(realConfigPath(link)).toBe(target);
    expect(realConfigPath(join(dir, "folder-link", "config.json"))).toBe(target);
    expect(realConfigPath(join(dir, "real", "..", "real", "config.json"))).toBe(target);
    // A file not written yet keeps its name in its folder's real path.
    expect(realConfigPath(join(dir, "folder-link", "new.json"))).toBe(join(dir, "real", "new.json"));
  });

  it("names the lock, state, journal and control socket the same way through the link and the file", () => {
    const viaLink = configFilesFor(link);
    expect(viaLink).toEqual(configFilesFor(target));
    expect(viaLink).toEqual({
      config: target,
      lock: `${target}.lock`,
      state: join(dir, "real", "config.state.json"),
      journal: join(dir, "real", "journal", "config.jsonl"),
    });
    expect(controlSocketPath(link, "/run/user/1000/mimik")).toBe(
      controlSocketPath(target, "/run/user/1000/mimik"),
    );
  });
});

describe("claimConfig", () => {
  it("refuses the same config opened through a link while it runs, naming the pid and the real config", async () => {
    const first = await claimConfig(configFilesFor(target), config(), { accountLockDir: locks });
    const second = claimConfig(configFilesFor(link), config(), { typedPath: link, accountLockDir: locks });
    await expect(second).rejects.toBeInstanceOf(InstanceLockedError);
    await expect(
      claimConfig(configFilesFor(link), config(), { typedPath: link, accountLockDir: locks }),
    ).rejects.toThrow(`(pid ${process.pid}, config ${target})`);
    await first.release();
    const again = await claimConfig(configFilesFor(link), config(), {
      typedPath: link,
      accountLockDir: locks,
    });
    await again.release();
  });

  it("refuses a second config naming the same broker account, and keeps nothing of the refused one", async () => {
    const other = join(dir, "other.json");
    await writeFile(other, "{}");
    const url = "http://127.0.0.1:8765";
    const first = await claimConfig(configFilesFor(target), config(url), { accountLockDir: locks });
    const refused = claimConfig(configFilesFor(other), config(url), { accountLockDir: locks });
    await expect(refused).rejects.toBeInstanceOf(AccountLockedError);
    await expect(claimConfig(configFilesFor(other), config(url), { accountLockDir: locks })).rejects.toThrow(
      `pid ${process.pid}, config ${target}`,
    );
    expect(await readdir(dir)).not.toContain("other.json.lock");
    await first.release();
    const now = await claimConfig(configFilesFor(other), config(url), { accountLockDir: locks });
    await now.release();
    expect(await readdir(locks)).toEqual([]);
  });

  it("follows the config's accounts: an edit's new account is taken or refused whole, a removed one released", async () => {
    const url = "http://127.0.0.1:8765";
    const small = (accounts: string[]) => {
      const raw = validRaw();
      raw.connections[0] = { ...raw.connections[0], url };
      raw.accounts = accounts.map((name) => ({ name, connection: "sim" }));
      raw.groups = [];
      return configSchema.parse(raw) as Config;
    };
    const other = join(dir, "other.json");
    await writeFile(other, "{}");
    const a = await claimConfig(configFilesFor(target), small(["DEMO1000"]), { accountLockDir: locks });
    const b = await claimConfig(configFilesFor(other), small(["DEMO2002"]), { accountLockDir: locks });
    expect(await readdir(locks)).toHaveLength(2);
    // DEMO2001 is free, DEMO2002 is b's: neither is taken.
    await expect(a.admit(small(["DEMO1000", "DEMO2001", "DEMO2002"]))).rejects.toBeInstanceOf(
      AccountLockedError,
    );
    expect(await readdir(locks)).toHaveLength(2);
    await a.admit(small(["DEMO1000", "DEMO2001"]));
    expect(await readdir(locks)).toHaveLength(3);
    await a.settle(small(["DEMO2001"]));
    await b.release();
    expect(await readdir(locks)).toHaveLength(1);
    await a.release();
    expect(await readdir(locks)).toEqual([]);
  });

  it("refuses to start without the state an older mimik kept beside the link, and says how to move it", async () => {
    const oldState = join(dir, "link.state.json");
    await writeFile(oldState, '{"version":1,"followers":{}}');
    const claim = claimConfig(configFilesFor(link), config(), { typedPath: link, accountLockDir: locks });
    await expect(claim).rejects.toThrow(`mv ${oldState} ${join(dir, "real", "config.state.json")}`);
    // The instance lock it took on the way is given back.
    expect(await readdir(join(dir, "real"))).not.toContain("config.json.lock");
  });

  it("refuses to start without the journal kept beside the link, and says how to move it", async () => {
    await mkdir(join(dir, "journal"));
    await writeFile(join(dir, "journal", "link.jsonl"), "");
    await writeFile(join(dir, "journal", "link.1.jsonl"), "");
    const claim = claimConfig(configFilesFor(link), config(), { typedPath: link, accountLockDir: locks });
    await expect(claim).rejects.toThrow(
      `mkdir -p ${join(dir, "real", "journal")} && mv ${join(dir, "journal", "link.1.jsonl")} ${join(dir, "journal", "link.jsonl")} ${join(dir, "real", "journal")}/`,
    );
  });

  it("says which folder cannot be written, why and what to do, instead of an internal error", async () => {
    // A file where the journal folder should be: a failure even root cannot write past.
    await writeFile(join(dir, "real", "journal"), "");
    const claim = claimConfig(configFilesFor(target), config(), { accountLockDir: locks });
    await expect(claim).rejects.toThrow(
      `mimik cannot write its journal (config.jsonl) in ${join(dir, "real", "journal")}: a file is in the way where a folder should be`,
    );
  });
});
