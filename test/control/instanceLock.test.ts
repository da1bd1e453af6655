import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireInstanceLock, InstanceLockedError, LockUnconfirmedError } from "../../data/instanceLock.js";
import { acquireLockFile, judge } from "../../data/lockFile.js";
import { type ProcessProbe, procStartTime, psStartTime, systemProbe } from "../../data/processIdentity.js";
import { UserError } from "../../data/userError.js";

let dir: string;
let lockPath: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-lock-"));
  lockPath = join(dir, "state", "config.lock");
  await mkdir(join(dir, "state"));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn");
  await new Promise((resolve) => child.on("exit", resolve));
  return pid;
}

/** A live process that is not mimik (or, with "mimik" among its arguments, looks like one). */
async function liveProcess(...args: string[]): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", ...args], { stdio: "ignore" });
  children.push(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn");
  // The exec has happened once the command line shows the script (no fixed sleep).
  for (let i = 0; i < 500; i++) {
    const cmd = systemProbe.commandLine(pid) ?? "";
    if (cmd.includes("setInterval")) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return pid;
}

const owner = async () => JSON.parse(await readFile(lockPath, "utf8")) as Record<string, unknown>;

describe("acquireInstanceLock", () => {
  it("records pid, start time, boot and config; refuses a second holder naming both; frees on release", async () => {
    const lock = await acquireInstanceLock(lockPath, { config: "/real/config.json" });
    expect(await owner()).toMatchObject({
      pid: process.pid,
      start: procStartTime(process.pid),
      boot: systemProbe.bootId(),
      config: "/real/config.json",
    });
    const second = acquireInstanceLock(lockPath);
    await expect(second).rejects.toThrow(
      `mimik is already running for this config (pid ${process.pid}, config /real/config.json)`,
    );
    await expect(acquireInstanceLock(lockPath)).rejects.toBeInstanceOf(InstanceLockedError);
    await expect(acquireInstanceLock(lockPath)).rejects.toBeInstanceOf(UserError);
    await lock.release();
    await expect(stat(lockPath)).rejects.toThrow();
    const again = await acquireInstanceLock(lockPath);
    await again.release();
  });

  it("takes over a stale lock whose pid is dead (an older mimik's pid-only file, or a full record)", async () => {
    await writeFile(lockPath, `${await deadPid()}\n`);
    const lock = await acquireInstanceLock(lockPath);
    expect((await owner()).pid).toBe(process.pid);
    await lock.release();
    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), start: "proc:1" }));
    await (await acquireInstanceLock(lockPath)).release();
  });

  it("takes over a lock file with garbage in it", async () => {
    await writeFile(lockPath, "not a pid");
    const lock = await acquireInstanceLock(lockPath);
    await lock.release();
  });

  it("takes over a lock naming this very process, which it never took (a pid reused after a reboot)", async () => {
    await writeFile(lockPath, `${process.pid}\n`);
    const lock = await acquireInstanceLock(lockPath);
    expect((await owner()).pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock whose pid is alive but is not a mimik (pid-only file from an older mimik)", async () => {
    const pid = await liveProcess();
    await writeFile(lockPath, `${pid}\n`);
    const lock = await acquireInstanceLock(lockPath);
    expect((await owner()).pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock whose pid now belongs to a process that started later, or in an earlier boot", async () => {
    const pid = await liveProcess();
    await writeFile(lockPath, JSON.stringify({ pid, start: "proc:1", boot: systemProbe.bootId() }));
    await (await acquireInstanceLock(lockPath)).release();
    await writeFile(lockPath, JSON.stringify({ pid, start: procStartTime(pid), boot: "an-earlier-boot" }));
    await (await acquireInstanceLock(lockPath)).release();
  });

  it("is refused while the live process that wrote it holds it, naming its pid and config", async () => {
    const pid = await liveProcess();
    const record = {
      pid,
      start: procStartTime(pid),
      boot: systemProbe.bootId(),
      config: "/other/config.json",
    };
    await writeFile(lockPath, JSON.stringify(record));
    await expect(acquireInstanceLock(lockPath)).rejects.toThrow(`(pid ${pid}, config /other/config.json)`);
    expect(JSON.parse(await readFile(lockPath, "utf8"))).toEqual(record);
  });

  it("is refused for a pid-only lock whose live process runs mimik", async () => {
    const pid = await liveProcess("mimik", "headless");
    await writeFile(lockPath, `${pid}\n`);
    await expect(acquireInstanceLock(lockPath)).rejects.toBeInstanceOf(InstanceLockedError);
  });

  it("without /proc, a live pid it cannot confirm is refused with a message that never says to stop it blindly", async () => {
    const pid = await liveProcess();
    await writeFile(lockPath, JSON.stringify({ pid, start: "ps:Mon Jan  5 09:00:00 2026" }));
    const noProc: ProcessProbe = {
      isAlive: systemProbe.isAlive,
      startTime: () => undefined,
      bootId: () => undefined,
      commandLine: () => undefined,
    };
    const refused = acquireInstanceLock(lockPath, { probe: noProc });
    await expect(refused).rejects.toBeInstanceOf(LockUnconfirmedError);
    const message = await acquireInstanceLock(lockPath, { probe: noProc }).catch((e: Error) => e.message);
    expect(message).toContain(`ps -p ${pid} -o command=`);
    expect(message).toContain(`delete ${lockPath}`);
    expect(message).toContain(`Do not stop pid ${pid} unless it is that mimik`);
    expect(message).not.toContain("already running");
  });

  it("leaves no temp files behind, and removes those of takers that died mid-way", async () => {
    const dead = await deadPid();
    await writeFile(`${lockPath}.${dead}.tmp`, `${dead}\n`);
    await writeFile(`${lockPath}.${dead}.9f8e7d6c.tmp`, `${dead}\n`);
    await writeFile(`${lockPath}.stale.${dead}.0a1b2c3d`, `${dead}\n`);
    const lock = await acquireInstanceLock(lockPath);
    await expect(acquireInstanceLock(lockPath)).rejects.toThrow();
    await lock.release();
    expect(await readdir(join(dir, "state"))).toEqual([]);
  });
});

describe("judge", () => {
  const probe = (over: Partial<ProcessProbe>): ProcessProbe => ({
    isAlive: () => true,
    startTime: () => "proc:42",
    bootId: () => "boot-b",
    commandLine: () => "node mimik headless",
    ...over,
  });

  it("says who holds a lock from pid, start time and boot", () => {
    expect(judge({ pid: 99999, start: "proc:42", boot: "boot-b" }, probe({}), false)).toEqual({
      kind: "held",
    });
    expect(judge({ pid: 99999, start: "proc:41" }, probe({}), false).kind).toBe("stale");
    expect(judge({ pid: 99999, start: "proc:42", boot: "boot-a" }, probe({}), false).kind).toBe("stale");
    expect(judge({ pid: 99999 }, probe({ isAlive: () => false }), false).kind).toBe("stale");
    expect(judge({ pid: 99999 }, probe({ commandLine: () => "sshd" }), false).kind).toBe("stale");
    expect(judge({ pid: 99999, start: "ps:x" }, probe({ startTime: () => undefined }), false).kind).toBe(
      "unconfirmed",
    );
    expect(judge({ pid: process.pid }, probe({}), false).kind).toBe("stale");
    expect(judge({ pid: process.pid }, probe({}), true).kind).toBe("held");
  });
});

describe("process start times", () => {
  it("tell two processes apart and are stable for one; ps gives one too where /proc is missing", async () => {
    const pid = await liveProcess();
    expect(procStartTime(process.pid)).toMatch(/^proc:\d+$/);
    expect(systemProbe.startTime(process.pid)).toBe(procStartTime(process.pid));
    expect(procStartTime(pid)).toBe(procStartTime(pid));
    expect(psStartTime(pid)).toMatch(/^ps:\S/);
    expect(psStartTime(await deadPid())).toBeUndefined();
    expect(procStartTime(await deadPid())).toBeUndefined();
  });
});

describe("locks held at once", () => {
  it("share one exit listener however many there are (an instance holds one per broker account)", async () => {
    const before = process.listenerCount("exit");
    const held = [];
    for (let i = 0; i < 12; i++)
      held.push(
        await acquireLockFile(join(dir, "state", `account-${i}.lock`), {
          fields: { account: `A${i}` },
          refuse: () => new Error("held"),
          what: `the lock of A${i}`,
        }),
      );
    expect(process.listenerCount("exit")).toBe(before + 1);
    for (const lock of held) await lock.release();
    expect(process.listenerCount("exit")).toBe(before);
    expect(await readdir(join(dir, "state"))).toEqual([]);
  });
});
