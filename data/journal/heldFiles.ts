import { type FileHandle, open, stat } from "node:fs/promises";
import { isNotFound, journalFiles } from "./paths.js";

/** One file of the journal, open: renames (a rotation) no longer change what it reads. */
export interface HeldFile {
  file: string;
  handle: FileHandle;
}

const ATTEMPTS = 5;

/**
 * Every file of the journal as it is at one moment, oldest first, each held open. A reader that
 * opened the files by name one after the other could be handed, after a rotation, the file it had
 * just read under its new name, or skip the one renamed past it. A rotation between the listing
 * and the opens is seen (a name no longer holds the file opened) and the listing is taken again.
 * A rotation in the middle of a rotation cannot mislead: the writer renames the oldest first, so
 * any listing's files still sort in the order their lines were written.
 */
export async function holdJournalFiles(path: string): Promise<HeldFile[]> {
  for (let attempt = 1; ; attempt++) {
    const held: HeldFile[] = [];
    let steady = true;
    try {
      for (const file of await journalFiles(path)) {
        const handle = await openIfThere(file);
        if (handle === undefined) steady = false;
        else held.push({ file, handle });
      }
      if (steady) steady = await stillNamed(held);
    } catch (error) {
      await closeAll(held);
      throw error;
    }
    // Rotations are minutes apart: two in a row while opening a handful of files means the
    // writer is rotating on every line, and the last listing is as good as any.
    if (steady || attempt === ATTEMPTS) return held;
    await closeAll(held);
  }
}

export async function closeAll(held: readonly HeldFile[]): Promise<void> {
  await Promise.all(held.map((h) => h.handle.close().catch(() => undefined)));
}

async function openIfThere(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, "r");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function stillNamed(held: readonly HeldFile[]): Promise<boolean> {
  for (const { file, handle } of held) {
    try {
      if ((await stat(file)).ino !== (await handle.stat()).ino) return false;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
  return true;
}
