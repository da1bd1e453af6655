import { readdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeTarget } from "./atomicWrite.js";
import { isAlive } from "./processIdentity.js";

/**
 * A save's temp file is gone within milliseconds; one this old was left by a process that stopped
 * mid-save, whatever its pid does now.
 */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

export interface StaleTempOptions {
  isAlive?: ((pid: number) => boolean) | undefined;
  now?: number | undefined;
}

/**
 * Removes the temp files that saves of `file` left behind when killed between writing the temp
 * file and renaming it (".<name>.<pid>.<random>.tmp", see tempPathFor): those whose pid is dead,
 * and any older than an hour. Only our own naming pattern is touched. Best effort: a folder that
 * cannot be read or a file that cannot be removed is left as it is. Returns what was removed.
 */
export async function removeStaleTemps(file: string, options: StaleTempOptions = {}): Promise<string[]> {
  const alive = options.isAlive ?? isAlive;
  const now = options.now ?? Date.now();
  const target = await writeTarget(file);
  const folder = dirname(target);
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    const path = join(folder, name);
    // Our own pid: a save of this process may be in flight right now; only age says it is not.
    const dead = pid !== process.pid && !alive(pid);
    if (!dead) {
      const modified = await stat(path).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (modified === undefined || now - modified < STALE_TEMP_AGE_MS) continue;
    }
    if (
      await unlink(path).then(
        () => true,
        () => false,
      )
    )
      removed.push(path);
  }
  return removed;
}
