import { existsSync } from "node:fs";
import { constants, copyFile, link, unlink } from "node:fs/promises";
import { errorCode } from "./fileAccess.js";

/**
 * Files set aside beside where they were: unreadable or damaged ones, kept for a look and never
 * read again. Each gets a name of its own, `<path>.<tag>`, then `<path>.<tag>.1`, `.2` … so one
 * set aside never replaces one set aside before: that may be the only evidence of what went wrong
 * then.
 */

/** Far more than a folder ever collects; past it something is wrong with the folder itself. */
const MAX_ASIDE = 10_000;

/** Link-less filesystems (FAT, some network shares) refuse hard links with one of these. */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK", "EXDEV"]);

export function asideName(path: string, tag: string, n: number): string {
  return n === 0 ? `${path}.${tag}` : `${path}.${tag}.${n}`;
}

/**
 * Moves `path` to the first of its aside names not taken and returns that name. A name taken
 * meanwhile is never replaced: the file is linked there (which fails on a taken name), or copied
 * where links are not supported, before the original is removed.
 */
export async function moveAside(path: string, tag: string): Promise<string> {
  for (let n = 0; n < MAX_ASIDE; n++) {
    const aside = asideName(path, tag, n);
    if (await keptAt(path, aside)) {
      await unlink(path);
      return aside;
    }
  }
  throw new Error(
    `${path} cannot be set aside: ${asideName(path, tag, 0)} and ${MAX_ASIDE - 1} more are taken`,
  );
}

/**
 * The name `moveAside` would give `path` now, for a fix the trader carries out by hand (mv), which
 * would otherwise replace what an earlier fix set aside.
 */
export function freeAsideName(path: string, tag: string): string {
  for (let n = 0; n < MAX_ASIDE; n++) {
    const aside = asideName(path, tag, n);
    if (!existsSync(aside)) return aside;
  }
  return asideName(path, tag, MAX_ASIDE);
}

/** `path` also at `aside`, unless that name is taken (false). */
async function keptAt(path: string, aside: string): Promise<boolean> {
  try {
    await link(path, aside);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    if (!NO_LINKS.has(errorCode(error) ?? "")) throw error;
  }
  try {
    await copyFile(path, aside, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
}
