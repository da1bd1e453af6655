import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { HeldHandle } from "./heldHandle.js";
import { isNotFound } from "./paths.js";

/**
 * The live journal file, held open from one flush to the next. Opening and closing it at every
 * flush was two of the five file-system round trips a flush made (a flush follows nearly every
 * leader fill when fills come more than 100 ms apart).
 *
 * The handle is let go, and the path opened afresh next time, whenever holding it could write
 * somewhere the path no longer leads: after a failed write (the descriptor may be what failed), when
 * the writer rotates the file, and when the file was deleted under it (its link count is 0). A file
 * renamed away by someone else keeps receiving lines, as with any daemon's log; mimik rotates its
 * own journal.
 */
export class LiveJournalFile {
  private readonly held: HeldHandle;

  constructor(readonly path: string) {
    this.held = new HeldHandle(() => openMakingFolder(path));
  }

  /**
   * Appends and syncs: the anchor written next must never name lines a power cut could still
   * lose. A failure cuts the file back to where it was: the lines stay queued and are written again
   * whole, so a write cut short (a full disk) or a failed sync must not leave part or all of them.
   */
  async appendSynced(data: string | Uint8Array): Promise<void> {
    let handle = await this.held.get();
    let size: number;
    try {
      let stats = await handle.stat();
      if (stats.nlink === 0) {
        await this.release();
        handle = await this.held.get();
        stats = await handle.stat();
      }
      size = stats.size;
    } catch (error) {
      // A descriptor gone bad (ESTALE, EIO) must not hold every later flush: the next opens anew.
      await this.release();
      throw error;
    }
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } catch (error) {
      await handle.truncate(size).catch(() => {});
      await this.release();
      throw error;
    }
  }

  /** Lets the file go (before a rotation renames it, or when the writer closes). */
  release(): Promise<void> {
    return this.held.release();
  }
}

/**
 * Opens the file to append, making its folder again when it is gone: a trader freeing a full disk
 * may remove the journal folder, and every later line would otherwise wait in memory until mimik
 * stopped, and be lost then.
 */
async function openMakingFolder(path: string) {
  try {
    return await open(path, "a", 0o600);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return open(path, "a", 0o600);
  }
}
