import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errorCode, explainWriteError } from "./fileAccess.js";
import { type ProcessProbe, systemProbe } from "./processIdentity.js";
import { UserError } from "./userError.js";

/**
 * Who holds a lock file. Written as one JSON line; a file holding only a pid is a lock from an
 * older mimik and is still understood.
 */
export interface LockOwner {
  pid: number;
  /** The holder's start time (see processIdentity): with the pid, it names one process. */
  start?: string | undefined;
  /** The boot the holder ran in. */
  boot?: string | undefined;
  /** Real path of the holder's config. */
  config?: string | undefined;
  /** Anything else the kind of lock records (the account it is for). */
  [key: string]: unknown;
}

/** What a lock file's owner turns out to be. */
export type Verdict =
  | { kind: "held" }
  | { kind: "stale"; why: string }
  /** Alive, but this system cannot tell whether it is the mimik that wrote the lock. */
  | { kind: "unconfirmed" };

export interface LockFileOptions {
  /** Recorded in the file besides pid, start and boot (config, account, …). */
  fields: Record<string, string>;
  /** The error for a lock that is held (or cannot be confirmed free) by `owner`. */
  refuse(owner: LockOwner, verdict: Verdict): Error;
  /** What the lock is, for messages about its folder ("the instance lock config.json.lock"). */
  what: string;
  probe?: ProcessProbe | undefined;
}

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Attempts before giving up when other processes keep racing us for a stale lock. */
const MAX_ATTEMPTS = 5;

/** Locks this process holds, by path, with the exact text it wrote: our own pid in a file is ours only if listed here. */
const heldHere = new Map<string, string>();

/**
 * Takes a lock file: written whole to a temp file, then hard-linked into place, which fails if the
 * file exists. An existing lock whose owner is not running any more (dead pid, a pid now used by
 * another process, a lock from before a reboot, our own pid in a lock we never took) is moved aside
 * and taken over; one held by a live owner is refused through `options.refuse`. Released by
 * `release()` or, as a last resort, when the process exits.
 */
export async function acquireLockFile(path: string, options: LockFileOptions): Promise<HeldLock> {
  const probe = options.probe ?? systemProbe;
  const folder = dirname(path);
  const text = ownerText(options.fields, probe);
  // Its own temp name per call: two takers in one process must not write each other's text.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(temp, text, { mode: 0o600 });
  } catch (error) {
    throw explainWriteError(error, folder, options.what);
  }
  await removeLeftovers(path, probe);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await link(temp, path);
        return hold(path, text);
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw explainWriteError(error, folder, options.what);
      }
      const found = await readText(path);
      if (found === undefined) continue;
      const owner = parseOwner(found);
      if (owner !== undefined) {
        const verdict = judge(owner, probe, heldHere.get(path) === found);
        if (verdict.kind !== "stale") throw options.refuse(owner, verdict);
      }
      await takeAway(path, found);
    }
    throw new UserError(`could not take the lock ${path}: other processes keep racing for it`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Whether the owner recorded in a lock file is still the process that wrote it. */
export function judge(owner: LockOwner, probe: ProcessProbe, ours: boolean): Verdict {
  if (owner.pid === process.pid)
    return ours ? { kind: "held" } : { kind: "stale", why: "it names this very process: a leftover" };
  if (!probe.isAlive(owner.pid)) return { kind: "stale", why: "its process has ended" };
  const boot = probe.bootId();
  if (owner.boot !== undefined && boot !== undefined && owner.boot !== boot)
    return { kind: "stale", why: "it was written before the machine restarted" };
  if (owner.start !== undefined) {
    const start = probe.startTime(owner.pid);
    if (start === undefined) return { kind: "unconfirmed" };
    return start === owner.start
      ? { kind: "held" }
      : { kind: "stale", why: `pid ${owner.pid} now belongs to another process` };
  }
  // An older mimik recorded only its pid: look at what that pid runs now.
  const command = probe.commandLine(owner.pid);
  if (command === undefined) return { kind: "unconfirmed" };
  return /mimik/i.test(command)
    ? { kind: "held" }
    : { kind: "stale", why: `pid ${owner.pid} is not a mimik` };
}

export function parseOwner(text: string): LockOwner | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return validPid(Number(trimmed)) ? { pid: Number(trimmed) } : undefined;
  try {
    const value = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof value !== "object" || value === null || !validPid(value.pid)) return undefined;
    const str = (key: string) => (typeof value[key] === "string" ? (value[key] as string) : undefined);
    return {
      ...value,
      pid: value.pid as number,
      start: str("start"),
      boot: str("boot"),
      config: str("config"),
    };
  } catch {
    return undefined;
  }
}

/** Reads the owner of a lock file; undefined when there is none (or it is unreadable). */
export async function readOwner(path: string): Promise<LockOwner | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : parseOwner(text);
}

function validPid(pid: unknown): pid is number {
  return typeof pid === "number" && Number.isInteger(pid) && pid > 0;
}

function ownerText(fields: Record<string, string>, probe: ProcessProbe): string {
  const owner = {
    pid: process.pid,
    start: probe.startTime(process.pid),
    boot: probe.bootId(),
    ...fields,
    since: new Date().toISOString(),
    // Two takeovers racing compare file contents: make every lock's text unique.
    nonce: randomBytes(6).toString("hex"),
  };
  return `${JSON.stringify(owner)}\n`;
}

/**
 * Removes a stale lock without ever removing a fresh one taken meanwhile: the file is renamed to a
 * name of our own first (only one racer can do that), and if what we moved is not the stale text we
 * judged, someone took the lock in between and it is put back.
 */
async function takeAway(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  const moved = await readText(aside);
  if (moved !== staleText) {
    // Put back a lock that is not the one we judged; if yet another process took the path meanwhile, it wins.
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

/**
 * Removes the lock files in `dir` (those whose name passes `matches`) left by processes that are
 * gone, so a folder shared by every config (the account locks) does not collect the leftovers of
 * each kill -9. The same judgement and the same race-safe removal as a takeover.
 */
export async function sweepStaleLocks(
  dir: string,
  matches: (name: string) => boolean,
  probe: ProcessProbe = systemProbe,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names.filter(matches)) {
    const path = join(dir, name);
    const text = await readText(path).catch(() => undefined);
    if (text === undefined) continue;
    const owner = parseOwner(text);
    if (owner !== undefined && judge(owner, probe, heldHere.get(path) === text).kind !== "stale") continue;
    await takeAway(path, text).catch(() => undefined);
  }
}

/** Temp and moved-aside files of lock takers that died before cleaning up (kill -9 at the wrong moment). */
async function removeLeftovers(path: string, probe: ProcessProbe): Promise<void> {
  const name = basename(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  const pattern = new RegExp(
    `^${escapeRegExp(name)}\\.(?:stale\\.)?(\\d+)\\.(?:tmp|[0-9a-f]{8}(?:\\.tmp)?)$`,
  );
  for (const other of names) {
    const pid = Number(pattern.exec(other)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || probe.isAlive(pid)) continue;
    await unlink(join(dirname(path), other)).catch(() => undefined);
  }
}

/**
 * What exiting removes: each held lock file that is still ours. One process listener for them all:
 * an instance holds a lock per broker account, and a listener each would pass Node's warning limit.
 */
const atExit = new Set<() => void>();
function removeHeldLocks(): void {
  for (const remove of atExit) remove();
}

function hold(path: string, text: string): HeldLock {
  heldHere.set(path, text);
  let held = true;
  const stillOurs = (): boolean => {
    try {
      return readFileSync(path, "utf8") === text;
    } catch {
      return false;
    }
  };
  const onExit = (): void => {
    if (!held || !stillOurs()) return;
    try {
      unlinkSync(path);
    } catch {
      // Nothing to clean; exiting anyway.
    }
  };
  atExit.add(onExit);
  if (atExit.size === 1) process.on("exit", removeHeldLocks);
  return {
    path,
    async release() {
      if (!held) return;
      held = false;
      atExit.delete(onExit);
      if (atExit.size === 0) process.off("exit", removeHeldLocks);
      if (heldHere.get(path) === text) heldHere.delete(path);
      // Only remove the file if it is still ours (a takeover after a stall is not undone).
      if ((await readText(path)) === text) await unlink(path).catch(() => {});
    },
  };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
