import { randomBytes } from "node:crypto";
import { type BigIntStats, constants } from "node:fs";
import { lstat, open, readlink, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

export interface AtomicWriteOptions {
  /**
   * File mode for the result. Default: keep the mode of the file being replaced, or 0o644 for a
   * new file. Runtime state and credentials pass 0o600.
   */
  mode?: number | undefined;
  /**
   * Called inside the per-path queue right before the rename: throw to abort the write (the temp
   * file is removed and the target is untouched). The config repository uses it to re-check
   * that nobody edited the file by hand since it was last read.
   */
  beforeRename?: (() => Promise<void>) | undefined;
  /**
   * Told the new file's stats once its data is synced. The rename keeps its inode, size and
   * mtime, so they identify the file's content from then on (GuardedJsonFile's change check).
   */
  written?: ((stats: BigIntStats) => void) | undefined;
}

/** Writes waiting per absolute path: a promise chain, so two saves of one file never interleave. */
const queues = new Map<string, Promise<unknown>>();

/** Runs `job` after every earlier job queued for the same path has settled. */
export function serialised<T>(file: string, job: () => Promise<T>): Promise<T> {
  const key = resolve(file);
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(job, job);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Temp files sit beside the target (same file system, so rename is atomic) and start with a dot. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Replace `file` with `data` so that a reader (or a crash, or kill -9) sees either the old
 * content or the new one, never a mix: write a temp file in the same directory, fsync it,
 * rename it over the target, fsync the directory. A symlink is written through: the temp file
 * goes beside the link's target and replaces the target, so the link stays a link. Writes to one
 * path are serialised.
 */
export function atomicWrite(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  return serialised(file, () => writeNow(file, data, options));
}

/** The unqueued write; callers already inside `serialised(file, …)` use this to avoid deadlock. */
export async function writeNow(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const file = await writeTarget(path);
  const existing = await existingFile(path, file);
  const mode = options.mode ?? existing?.mode ?? 0o644;
  const temp = tempPathFor(file);
  let renamed = false;
  try {
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    try {
      // open() applies the umask; chmod makes the mode exact (0600 must never end up looser).
      await handle.chmod(mode);
      await handle.writeFile(data, "utf8");
      await handle.sync();
      if (options.written) options.written(await handle.stat({ bigint: true }));
    } finally {
      await handle.close();
    }
    if (options.beforeRename) await options.beforeRename();
    await rename(temp, file);
    renamed = true;
    await syncDirectory(dirname(file));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** Links followed, at most this many deep (the kernel's own limit is 40). */
const MAX_LINKS = 40;

/**
 * The file a write to `path` must replace: `path` itself, or, when it is a symlink (even one whose
 * target does not exist yet), the file the link finally points at.
 */
export async function writeTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    // Missing: a plain new file, or a link to a file not written yet.
  }
  let current = resolve(path);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let link: string;
    try {
      if (!(await lstat(current)).isSymbolicLink()) return current;
      link = await readlink(current);
    } catch {
      return current;
    }
    current = resolve(dirname(current), link);
  }
  return current;
}

/**
 * The mode of the file the write replaces, if there is one. A device, a FIFO or a socket where the
 * file should be (the state linked to /dev/null to "switch it off") is never replaced: renamed
 * over, /dev/null itself would become a file for every program on the machine when mimik runs as
 * root. The write fails instead, and says why.
 */
async function existingFile(path: string, file: string): Promise<{ mode: number } | undefined> {
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(file);
  } catch {
    return undefined;
  }
  // A directory fails the rename by itself, with the error that names it.
  if (stats.isFile() || stats.isDirectory()) return { mode: stats.mode & 0o777 };
  const what = stats.isCharacterDevice() || stats.isBlockDevice() ? "a device" : "not a regular file";
  const via = file === resolve(path) ? "" : ` (${path} leads there)`;
  throw new Error(`${file} is ${what}${via}: mimik does not replace it; put a file there, or remove it`);
}

/** Makes the rename itself durable. Not every platform lets a directory be opened; best effort. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // A file system that cannot fsync a directory still has an atomic rename.
  }
}
