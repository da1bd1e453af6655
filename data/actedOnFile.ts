import { type FileHandle, open, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ActedOnRecord } from "../engine/types.js";
import { type ActedOnRecords, padSlot, readSlots, slotBytesFor, slotLine } from "./actedOnSlots.js";
import { moveAside } from "./asideFile.js";
import { writeNow as replaceNow, serialised } from "./atomicWrite.js";
import { deepFreeze } from "./guardedJsonFile.js";
import { isNotFound } from "./journal/paths.js";

/** config.state.json → config.acted-on, beside it. */
export function actedOnPathFor(statePath: string): string {
  const name = basename(statePath);
  const stem = name.endsWith(".state.json") ? name.slice(0, -".state.json".length) : name;
  return join(dirname(statePath), `${stem}.acted-on`);
}

export interface OpenedActedOn {
  file: ActedOnFile;
  /** A file no slot of which could be read: what was wrong, and where it was kept. */
  problem?: string;
}

/**
 * The leader positions followers last acted on, on disk. They change with nearly every copy and
 * are written 50 ms after it (engine/copier/actedOn.ts), up to twenty times a second in a burst,
 * so they have a file of their own that is written in place rather than replaced: two slots of a
 * fixed size, each write going to the slot that does not hold the newest records and synced
 * (fdatasync) before it counts. A write cut short by kill -9 or a power cut leaves the other slot
 * whole, and its checksum tells the torn one. One such write costs here a fifth of an atomic
 * replace of the runtime state (temp file, fsync, rename, directory fsync: 4.6 ms of CPU).
 * Records that outgrow their slot are written once more, atomically, as a new file of larger slots.
 */
export class ActedOnFile {
  private handle: FileHandle | undefined;
  private slotBytes = 0;
  private next = 0;
  private seq = 0;
  private current: ActedOnRecords | undefined;

  private constructor(
    readonly path: string,
    private readonly notice: (message: string) => void,
  ) {}

  /**
   * Reads the newest whole slot. A file neither of whose slots can be read is moved aside to
   * `<path>.bad`, or `<path>.bad.1` … when that is taken (asideFile.ts: kept for a look, never read
   * again), and reported with that name; the records start empty.
   */
  static async open(path: string, notice: (message: string) => void = () => {}): Promise<OpenedActedOn> {
    const file = new ActedOnFile(path, notice);
    let text: Buffer;
    try {
      text = await readFile(path);
    } catch (error) {
      if (isNotFound(error)) return { file };
      throw error;
    }
    const read = readSlots(text);
    if (!read.ok) {
      const aside = await moveAside(path, "bad");
      return { file, problem: `${path} could not be read (${read.why}); moved to ${aside}` };
    }
    file.slotBytes = read.slotBytes;
    file.seq = read.seq;
    file.next = 1 - read.newest;
    file.current = deepFreeze(read.records);
    file.handle = await open(path, "r+");
    return { file };
  }

  /** The records as last written (or read); undefined before there were any. Frozen. */
  get records(): ActedOnRecords | undefined {
    return this.current;
  }

  /**
   * Changes some followers' records (undefined removes one) and writes them all; on disk
   * (synced) when this resolves, and only then what `records` says. Saves go one at a time.
   */
  save(changes: Readonly<Record<string, ActedOnRecord | undefined>>): Promise<void> {
    return serialised(this.path, async () => {
      const next: Record<string, ActedOnRecord> = { ...this.current };
      for (const [follower, record] of Object.entries(changes)) {
        if (record === undefined) delete next[follower];
        else next[follower] = record;
      }
      await this.writeNow(next);
      this.current = deepFreeze(next);
    });
  }

  async close(): Promise<void> {
    await serialised(this.path, async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  private async writeNow(records: ActedOnRecords): Promise<void> {
    const seq = this.seq + 1;
    const line = slotLine(seq, records);
    const gone = await this.whatBecameOfIt();
    if (gone !== undefined) {
      await this.create(line);
      this.notice(
        `${this.path} ${gone} while mimik ran; written again with what each follower last acted on`,
      );
    } else if (this.handle === undefined || Buffer.byteLength(line) >= this.slotBytes)
      await this.create(line);
    else {
      await this.handle.write(padSlot(line, this.slotBytes), 0, this.slotBytes, this.next * this.slotBytes);
      await this.handle.datasync();
      // Only now: a write that failed goes to the same slot again, the newest one left alone.
      this.next = 1 - this.next;
    }
    this.seq = seq;
  }

  /**
   * What happened to the file held open, if the path no longer leads to it whole: removed (a
   * cleanup script, a trader's rm) or replaced, the writes in place would go to a file no start
   * reads, and a kill -9 would then lose every record; cut short, the next write would leave one
   * slot in a file of the wrong size, which a start moves aside. Undefined when it is as written.
   */
  private async whatBecameOfIt(): Promise<string | undefined> {
    if (this.handle === undefined) return undefined;
    let nlink: number;
    let size: number;
    try {
      ({ nlink, size } = await this.handle.stat());
    } catch {
      // A descriptor gone bad (ESTALE, EIO): the file is made anew from the path, as at the start.
      await this.handle.close().catch(() => {});
      this.handle = undefined;
      return undefined;
    }
    if (nlink === 0) return "was gone (removed or replaced)";
    if (size !== 2 * this.slotBytes) return `was cut to ${size} bytes`;
    return undefined;
  }

  /** A new file (or a larger one) holding the records in both slots, replaced atomically. */
  private async create(line: string): Promise<void> {
    const slotBytes = slotBytesFor(line);
    const slot = padSlot(line, slotBytes);
    // Closed first: a file open here is not replaced everywhere (Windows).
    const old = this.handle;
    this.handle = undefined;
    await old?.close();
    // Unqueued: this runs inside the path's queue already (save).
    await replaceNow(this.path, Buffer.concat([slot, slot]).toString("utf8"), { mode: 0o600 });
    this.handle = await open(this.path, "r+");
    this.slotBytes = slotBytes;
    this.next = 0;
  }
}
