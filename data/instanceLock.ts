import { unlinkSync } from "node:fs";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { UserError } from "./userError.js";

/** Another live process holds the lock: the message names its pid. */
export class InstanceLockedError extends UserError {
  constructor(
    readonly pid: number,
    readonly lockPath: string,
  ) {
    super(`mimik is already running for this config (pid ${pid}); lock file ${lockPath}`);
    this.name = "InstanceLockedError";
  }
}

export interface InstanceLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Attempts before giving up when other processes keep racing us for a stale lock. */
const MAX_ATTEMPTS = 5;

/**
 * One running instance per config. The lock file holds the owner's pid and appears atomically
 * complete (written to a temp file, then hard-linked into place, which fails if it exists). A
 * lock whose pid is dead (a kill -9, a crash) is taken over. Released by `release()` or, as a
 * last resort, when the process exits.
 */
export async function acquireInstanceLock(path: string): Promise<InstanceLock> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await link(temp, path);
        return holdLock(path);
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
      }
      const owner = await readOwner(path);
      if (owner === "gone") continue;
      if (owner !== undefined && isAlive(owner)) throw new InstanceLockedError(owner, path);
      // Stale (dead pid, or unreadable content): remove it and try again.
      await unlink(path).catch((error: unknown) => {
        if (errorCode(error) !== "ENOENT") throw error;
      });
    }
    throw new UserError(`could not take the instance lock ${path}: other processes keep racing for it`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

function holdLock(path: string): InstanceLock {
  let held = true;
  const onExit = (): void => {
    if (!held) return;
    try {
      unlinkSync(path);
    } catch {
      // Nothing to clean; exiting anyway.
    }
  };
  process.on("exit", onExit);
  return {
    path,
    async release() {
      if (!held) return;
      held = false;
      process.off("exit", onExit);
      // Only remove the file if it is still ours (a takeover after a stall is not undone).
      if ((await readOwner(path)) === process.pid) await unlink(path).catch(() => {});
    },
  };
}

/** The pid in the lock file; undefined if unreadable; "gone" if the file vanished meanwhile. */
async function readOwner(path: string): Promise<number | "gone" | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "gone";
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still alive.
    return errorCode(error) === "EPERM";
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}
