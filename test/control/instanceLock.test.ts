import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireInstanceLock, InstanceLockedError } from "../../data/instanceLock.js";
import { UserError } from "../../data/userError.js";

let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-lock-"));
  lockPath = join(dir, "state", "config.lock");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn");
  await new Promise((resolve) => child.on("exit", resolve));
  return pid;
}

describe("acquireInstanceLock", () => {
  it("writes our pid, refuses a second holder naming that pid, and frees the lock on release", async () => {
    const lock = await acquireInstanceLock(lockPath);
    expect((await readFile(lockPath, "utf8")).trim()).toBe(String(process.pid));
    const second = acquireInstanceLock(lockPath);
    await expect(second).rejects.toThrow(`mimik is already running for this config (pid ${process.pid})`);
    await expect(acquireInstanceLock(lockPath)).rejects.toBeInstanceOf(InstanceLockedError);
    await expect(acquireInstanceLock(lockPath)).rejects.toBeInstanceOf(UserError);
    await lock.release();
    await expect(stat(lockPath)).rejects.toThrow();
    const again = await acquireInstanceLock(lockPath);
    await again.release();
  });

  it("takes over a stale lock whose pid is dead", async () => {
    const pid = await deadPid();
    await acquireInstanceLock(lockPath).then((l) => l.release()); // creates the folder
    await writeFile(lockPath, `${pid}\n`);
    const lock = await acquireInstanceLock(lockPath);
    expect((await readFile(lockPath, "utf8")).trim()).toBe(String(process.pid));
    await lock.release();
  });

  it("takes over a lock file with garbage in it", async () => {
    await acquireInstanceLock(lockPath).then((l) => l.release());
    await writeFile(lockPath, "not a pid");
    const lock = await acquireInstanceLock(lockPath);
    await lock.release();
  });

  it("is refused while another live process holds it, with that process's pid", async () => {
    const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      await acquireInstanceLock(lockPath).then((l) => l.release());
      await writeFile(lockPath, `${holder.pid}\n`);
      await expect(acquireInstanceLock(lockPath)).rejects.toThrow(`(pid ${holder.pid})`);
    } finally {
      holder.kill();
    }
  });

  it("leaves no temp files behind", async () => {
    const lock = await acquireInstanceLock(lockPath);
    await expect(acquireInstanceLock(lockPath)).rejects.toThrow();
    await lock.release();
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(join(dir, "state"))).toEqual([]);
  });
});
