import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * What a lock file needs to know about a process: a pid alone is not an identity (pids are reused,
 * and after a reboot the new mimik may get the very pid written in its own old lock). A pid plus
 * the time the process started is; the boot id tells a lock written before a reboot.
 */
export interface ProcessProbe {
  isAlive(pid: number): boolean;
  /** When the process started, as an opaque text that is equal only for the same process; undefined if unknown. */
  startTime(pid: number): string | undefined;
  /** Changes at every boot; undefined where the system does not say. */
  bootId(): string | undefined;
  /** The process's command line, for lock files from an older mimik that recorded only a pid. */
  commandLine(pid: number): string | undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Linux: field 22 of /proc/<pid>/stat (clock ticks after boot). The command name (field 2) is in
 * parentheses and may itself hold spaces and parentheses, so the fields are counted after the last ")".
 */
export function procStartTime(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ticks = fields[19];
  return ticks !== undefined && /^\d+$/.test(ticks) ? `proc:${ticks}` : undefined;
}

/** Elsewhere (macOS, the BSDs): `ps -o lstart=`, the start as a wall-clock date to the second. */
export function psStartTime(pid: number): string | undefined {
  try {
    const out = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 2000,
    }).trim();
    return out === "" ? undefined : `ps:${out.replace(/\s+/g, " ")}`;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const hasProc = (): boolean => readText("/proc/self/stat") !== undefined;

/** Ours does not change: asked once (where that means running ps, once rather than per lock). */
let ownStart: string | undefined;

export const systemProbe: ProcessProbe = {
  isAlive,
  startTime: (pid) => {
    if (pid === process.pid && ownStart !== undefined) return ownStart;
    const start = hasProc() ? procStartTime(pid) : psStartTime(pid);
    if (pid === process.pid) ownStart = start;
    return start;
  },
  bootId: () => readText("/proc/sys/kernel/random/boot_id")?.trim() || undefined,
  commandLine: (pid) => readText(`/proc/${pid}/cmdline`)?.replace(/\0/g, " ").trim(),
};
