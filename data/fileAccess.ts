import { randomBytes } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { access, mkdir, open, stat, unlink } from "node:fs/promises";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "./userError.js";

/** The errno code of a file-system error ("ENOENT", "EEXIST" …); undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

/**
 * A file or folder mimik must write and cannot, said so a trader can fix it: which path, why,
 * what to do. Raised instead of the bare EACCES or EROFS that used to reach the trader as an
 * "internal error".
 */
export class FileAccessError extends UserError {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "FileAccessError";
  }
}

/** The reason and the fix for an error that is about access or space; undefined for anything else. */
export function accessReason(error: unknown, folder: string): { why: string; fix: string } | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return {
        why: `permission denied: ${currentUser()} may not write in it`,
        fix: `make it writable (chmod u+w ${folder}, or chown it to ${currentUser()}), or keep the config in a folder you can write and pass --config`,
      };
    case "EROFS":
      return {
        why: "it is on a read-only file system",
        fix: "keep the config in a writable folder and pass --config (mimik writes its lock, runtime state and journal beside it)",
      };
    case "ENOSPC":
    case "EDQUOT":
      return { why: "the disk (or your quota) is full", fix: "free some space and start again" };
    case "ENOTDIR":
    case "EEXIST":
      return {
        why: "a file is in the way where a folder should be",
        fix: `move that file aside so ${folder} can be a folder`,
      };
    default:
      return undefined;
  }
}

/**
 * `error` as a FileAccessError when it is about access or space, otherwise unchanged.
 * `what` says what mimik wanted to write there ("the instance lock config.json.lock").
 */
export function explainWriteError(error: unknown, folder: string, what: string): unknown {
  const reason = accessReason(error, folder);
  if (!reason) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return new FileAccessError(
    folder,
    code,
    `mimik cannot write ${what} in ${folder}: ${reason.why}. Fix: ${reason.fix}.`,
  );
}

/**
 * Makes sure `folder` exists and a file can be created in it (created and removed again), so an
 * unwritable folder is refused at start with a clear message rather than failing at the first
 * save in the middle of a trading day.
 */
export async function ensureWritableFolder(folder: string, what: string): Promise<void> {
  const probe = join(folder, `.mimik-write-test.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    // The folder could not be made: the one to fix is the nearest that exists.
    throw explainWriteError(error, nearestExisting(folder), what);
  }
  try {
    const handle = await open(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    await handle.close();
  } catch (error) {
    throw explainWriteError(error, folder, what);
  }
  await unlink(probe).catch(() => undefined);
}

/**
 * Why an existing file must not be replaced, though its folder would let a rename do it: it is
 * read-only (no write bit: a trader's chmod a-w, which even root's mimik respects) or not
 * writable by this user. Undefined when it may be written, or does not exist.
 */
export async function readOnlyReason(file: string): Promise<string | undefined> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o222) === 0) return `it is read-only (mode ${(mode & 0o777).toString(8)})`;
  try {
    await access(file, constants.W_OK);
    return undefined;
  } catch (error) {
    return errorCode(error) === "ENOENT" ? undefined : `${currentUser()} may not write it`;
  }
}

function nearestExisting(folder: string): string {
  let current = folder;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "this user";
  }
}
