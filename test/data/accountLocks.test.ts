import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AccountLockedError,
  accountClaims,
  accountKey,
  accountLockDir,
  accountLockPath,
  acquireAccountLocks,
} from "../../data/accountLocks.js";
import { type Config, type Connection, configSchema } from "../../data/schema.js";
import { tempDir, validRaw } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const sim = (over: Partial<Connection> = {}): Connection =>
  ({ name: "sim", env: "sim", username: "demo", password: { env: "P" }, ...over }) as Connection;

/** The fixture config on a standalone simulator (accounts there are shared between processes). */
function config(url = "http://127.0.0.1:8765", username = "demo"): Config {
  const raw = validRaw();
  raw.connections[0] = { ...raw.connections[0], url, username };
  return configSchema.parse(raw) as Config;
}

describe("accountKey", () => {
  it("is the broker environment (or simulator address) and the account, whatever the login or case", () => {
    expect(accountKey(sim({ url: "http://127.0.0.1:8765/" }), "demo2001")).toBe(
      accountKey(sim({ url: "http://127.0.0.1:8765", username: "other" }), "DEMO2001"),
    );
    expect(accountKey(sim({ url: "http://127.0.0.1:8765" }), "A")).not.toBe(
      accountKey(sim({ url: "http://127.0.0.1:8766" }), "A"),
    );
    expect(accountKey(sim({ env: "live" }), "A")).not.toBe(accountKey(sim({ env: "demo" }), "A"));
    expect(accountKey(sim({ env: "live", username: "x" }), "A")).toBe(
      accountKey(sim({ env: "live", username: "y" }), "a"),
    );
  });

  it("gives no key for the embedded simulator, whose accounts live inside one process", () => {
    expect(accountKey(sim(), "DEMO2001")).toBeUndefined();
    expect(accountClaims(configSchema.parse(validRaw()) as Config)).toEqual([]);
  });
});

describe("accountLockDir", () => {
  it("comes from the user database, not from HOME, XDG_RUNTIME_DIR or TMPDIR", () => {
    const saved = { HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
    const first = accountLockDir();
    try {
      process.env.HOME = join(dir, "elsewhere");
      process.env.TMPDIR = join(dir, "tmp");
      expect(accountLockDir()).toBe(first);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect(first.endsWith(join(".local", "state", "mimik", "locks"))).toBe(true);
  });
});

describe("acquireAccountLocks", () => {
  it("refuses a second config naming the same account, with the holder's pid and config path", async () => {
    const first = await acquireAccountLocks(config(), "/home/t/a.json", { dir });
    const second = acquireAccountLocks(config("http://127.0.0.1:8765/", "someone-else"), "/home/t/b.json", {
      dir,
    });
    await expect(second).rejects.toBeInstanceOf(AccountLockedError);
    const message = await acquireAccountLocks(config(), "/home/t/b.json", { dir }).catch(
      (e: Error) => e.message,
    );
    expect(message).toContain("DEMO1000 (simulator http://127.0.0.1:8765, login demo) is already in use");
    expect(message).toContain(`pid ${process.pid}, config /home/t/a.json`);
    expect(message).toContain("remove DEMO1000 from one of the two configs");
    // A config on another simulator is another broker: no conflict.
    const elsewhere = await acquireAccountLocks(config("http://127.0.0.1:9999"), "/home/t/c.json", { dir });
    await elsewhere.release();
    await first.release();
    const again = await acquireAccountLocks(config(), "/home/t/b.json", { dir });
    await again.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it("takes all the config's accounts or none", async () => {
    const raw = validRaw();
    raw.connections[0] = { ...raw.connections[0], url: "http://127.0.0.1:8765" };
    raw.accounts = [{ name: "DEMO2002", connection: "sim" }];
    raw.groups = [];
    const onlyOne = await acquireAccountLocks(configSchema.parse(raw) as Config, "/x/one.json", { dir });
    await expect(acquireAccountLocks(config(), "/x/all.json", { dir })).rejects.toThrow(/DEMO2002/);
    // Nothing of the refused config is left locked: only DEMO2002's lock remains.
    expect(await readdir(dir)).toHaveLength(1);
    await onlyOne.release();
  });

  it("takes over an account lock left by a process that is gone", async () => {
    const claim = accountClaims(config())[0]!;
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.on("exit", r));
    const path = accountLockPath(dir, claim);
    await writeFile(path, JSON.stringify({ pid: child.pid, start: "proc:1", config: "/gone.json" }));
    const locks = await acquireAccountLocks(config(), "/home/t/a.json", { dir });
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({
      pid: process.pid,
      config: "/home/t/a.json",
      account: claim.account,
    });
    await locks.release();
  });
});

describe("the shared account lock folder", () => {
  it("is swept of locks left by processes that are gone, for any account, and keeps live ones", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.on("exit", r));
    const gone = join(dir, `account-${"a".repeat(32)}.lock`);
    await writeFile(gone, JSON.stringify({ pid: child.pid, config: "/gone.json" }));
    const unrelated = join(dir, "notes.txt");
    await writeFile(unrelated, `${child.pid}\n`);
    const other = await acquireAccountLocks(config("http://127.0.0.1:9999"), "/x/live.json", { dir });
    const locks = await acquireAccountLocks(config(), "/home/t/a.json", { dir });
    const names = await readdir(dir);
    expect(names).not.toContain(`account-${"a".repeat(32)}.lock`);
    expect(names).toContain("notes.txt");
    expect(names.filter((n) => n.startsWith("account-"))).toHaveLength(8);
    await locks.release();
    await other.release();
  });
});
