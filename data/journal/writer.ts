import { mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { type Clock, systemClock } from "../../engine/types.js";
import { accessReason, explainWriteError } from "../fileAccess.js";
import { removeStaleTemps } from "../staleTemps.js";
import { AnchorFile, anchorPathFor, type ChainEnd, compareWithAnchor, readAnchor } from "./anchor.js";
import { findChainHead, lineWithSeq } from "./chainHead.js";
import type { EventText } from "./eventText.js";
import { IsoTimes, lineText, splicedLine } from "./line.js";
import { LineQueue } from "./lineQueue.js";
import { LiveJournalFile } from "./liveFile.js";
import { DEFAULT_MAX_FILES, isNotFound, rotatedJournalPath } from "./paths.js";
import { setAsideTornTail } from "./tail.js";

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export { DEFAULT_MAX_FILES };
export const FLUSH_INTERVAL_MS = 100;
/** After a failed write, wait longer before trying again so a full disk is not hammered. */
const RETRY_INTERVAL_MS = 1000;
/**
 * Entries serialised and hashed per step of a flush (well under a millisecond). A burst (200
 * followers' copies) queues thousands of entries in 100 ms; doing them all at once would hold
 * the event loop for many milliseconds while leader fills wait to be copied. Between steps the
 * loop runs; the lines are then written in one append.
 */
export const SERIALISE_SLICE = 64;

/**
 * Anything with a `type`: an EngineEvent as it is, or a plain object. Typed without an index
 * signature so interfaces such as CopyEvent are accepted directly.
 */
export interface JournalInput {
  readonly type: string;
}

type Fields = Record<string, unknown> & { type: string };

export interface JournalWriterOptions {
  /** Rotate the live file before it would grow past this many bytes. Default 10 MB. */
  maxBytes?: number;
  /** Rotated files kept besides the live one (journal.1 … journal.N). Default 5. */
  maxFiles?: number;
  clock?: Clock;
  /**
   * Told about write failures; the lines stay buffered and are retried. A failure that goes on is
   * told once, not at every retry: once a second it pushed every other alert off the console.
   */
  onError?: (error: unknown) => void;
  /**
   * Told once the lines that waited after a failure was told are written, and when the anchor,
   * removed while mimik ran, is written again.
   */
  onRecovered?: (message: string) => void;
}

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JournalError";
  }
}

interface Pending {
  seq: number;
  /** Epoch ms; turned into ISO text when the line is serialised, off the caller's path. */
  at: number;
  entry: Fields;
  /** The entry's JSON text, shared with its other writer (headless's event lines). */
  text: EventText | undefined;
}

/**
 * The journal's single writer. `append` is synchronous and cheap (it stamps seq and time and
 * queues the entry); the entry is serialised and hashed once the caller's task is done, and
 * written on a timer within 100 ms, both off the copy path. Each line is
 * `{seq, at, type, ...payload, prev}` where `prev` is the SHA-256 of the previous line's exact
 * text, continued across restarts and rotations. After each flush the lines are synced and the
 * anchor (anchor.ts) moved to the new end of the chain, so a cut, edited or rewritten tail shows.
 */
export class JournalWriter {
  private pending: Pending[] = [];
  /** Serialised lines not yet written (or whose write failed): written in order, first. */
  private readonly unwritten: LineQueue;
  /** The last line on disk, once it differs from what the anchor says. */
  private toAnchor: ChainEnd | undefined;
  /** What open() found and repaired or recorded, one sentence each (the host logs them). */
  readonly notes: string[] = [];
  private seq: number;
  private lastHash: string;
  private size: number;
  private timer: unknown;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  /** A serialising step is due (serialiseSoon). */
  private serialising = false;
  private readonly isoTimes = new IsoTimes();
  private readonly clock: Clock;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly onError: (error: unknown) => void;
  private readonly onRecovered: (message: string) => void;
  /** Why the lines are not written, as last told (undefined while they are). */
  private failing: string | undefined;
  /** Why the anchor is not updated, as last told. */
  private anchorFailing: string | undefined;
  private readonly live: LiveJournalFile;
  private readonly anchorFile: AnchorFile;

  private constructor(
    readonly path: string,
    head: ChainEnd,
    size: number,
    opts: JournalWriterOptions,
  ) {
    this.seq = head.seq;
    this.lastHash = head.hash;
    this.unwritten = new LineQueue(head);
    this.size = size;
    this.clock = opts.clock ?? systemClock;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxFiles = Math.max(1, opts.maxFiles ?? DEFAULT_MAX_FILES);
    this.onError = opts.onError ?? (() => {});
    this.onRecovered = opts.onRecovered ?? (() => {});
    this.live = new LiveJournalFile(path);
    this.anchorFile = new AnchorFile(path);
  }

  /**
   * Opens the journal to continue its chain: sets aside a torn last line (see tail.ts), checks the
   * chain's end against the anchor, and records in the chain itself what it repaired or found.
   * Throws a UserError naming the fix when the folder cannot be written or the end is damaged.
   */
  static async open(path: string, opts: JournalWriterOptions = {}): Promise<JournalWriter> {
    const folder = dirname(path);
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await removeStaleTemps(anchorPathFor(path));
      // Read before the tail is touched: the anchor names the end as it was last written.
      const anchor = await readAnchor(path);
      const repair = await setAsideTornTail(path);
      const { head, size } = await findChainHead(path);
      const writer = new JournalWriter(path, head, size, opts);
      if (repair) {
        writer.append({ type: "journalRepaired", ...repair });
        writer.notes.push(
          `journal ${path}: ${repair.reason} (${repair.bytes} bytes kept in ${repair.tornFile})`,
        );
      }
      await writer.checkAnchor(anchor, head);
      return writer;
    } catch (error) {
      throw explainWriteError(error, folder, "its journal");
    }
  }

  /** Compares the end found with the anchor; a disagreement is recorded in the chain, not fatal. */
  private async checkAnchor(read: Awaited<ReturnType<typeof readAnchor>>, head: ChainEnd): Promise<void> {
    if (read.kind !== "ok") {
      if (head.seq === 0) return;
      const reason =
        read.kind === "none"
          ? "no anchor: the end of the chain before this line was not anchored (first start of a mimik that anchors, or the anchor file was deleted)"
          : `the anchor is unusable (${read.why}): the end of the chain before this line was not checked`;
      this.recordAnchor({ problem: "missing", reason }, undefined);
      return;
    }
    const anchor = read.anchor;
    const atAnchor = head.seq > anchor.seq ? await lineWithSeq(this.path, anchor.seq) : undefined;
    const finding = compareWithAnchor(head.seq === 0 ? undefined : head, anchor, atAnchor);
    if (finding) this.recordAnchor(finding, anchor);
    else if (head.seq !== anchor.seq) this.toAnchor = head;
  }

  private recordAnchor(
    finding: { problem: string; reason: string },
    anchor: { seq: number; hash: string } | undefined,
  ): void {
    this.append({
      type: "journalAnchor",
      problem: finding.problem,
      reason: finding.reason,
      ...(anchor ? { anchoredSeq: anchor.seq, anchoredHash: anchor.hash } : {}),
    });
    this.notes.push(`journal ${this.path}: ${finding.reason}`);
  }

  /**
   * Queues an entry; never blocks, never throws for I/O. Written within 100 ms. `text`: the
   * entry's JSON text, made once for the journal and another writer of the same event; the line
   * is then spliced from it (the same line, byte for byte) and the entry is not copied, as the
   * shared text is made from the event itself.
   */
  append<E extends JournalInput>(entry: E, text?: EventText): void {
    if (this.closed) {
      this.onError(new JournalError(`journal ${this.path} is closed; entry "${entry.type}" dropped`));
      return;
    }
    this.seq += 1;
    // An engine event carries its own time (epoch ms): keep it; otherwise stamp now.
    const shared = text?.event === entry ? text : undefined;
    const fields = (shared ? entry : { ...entry }) as unknown as Fields;
    const at = typeof fields.at === "number" && Number.isFinite(fields.at) ? fields.at : this.clock.now();
    this.pending.push({ seq: this.seq, at, entry: fields, text: shared });
    this.schedule(FLUSH_INTERVAL_MS);
    this.serialiseSoon();
  }

  /**
   * Serialises what is queued as soon as the caller's task is done, a slice at a time; the flush
   * only writes. Entries serialised 100 ms later, at the flush, had left the CPU's caches and
   * outlived V8's young generation: at 200 followers (400 lines a leader fill) the journal's
   * serialising took 550-560 ms of CPU in profiled runs of 190 fills, against 700-850 (two runs
   * each way).
   */
  private serialiseSoon(): void {
    if (this.serialising) return;
    this.serialising = true;
    setImmediate(() => {
      this.serialising = false;
      this.serialiseSlice();
      if (this.pending.length > 0) this.serialiseSoon();
    });
  }

  private serialiseSlice(): void {
    for (const item of this.pending.splice(0, SERIALISE_SLICE)) this.serialise(item);
  }

  /** Writes everything queued so far. Rejects if the disk refuses (the lines stay queued). */
  flush(): Promise<void> {
    this.cancelTimer();
    const run = this.flushing.then(() => this.writeQueued());
    // Keep the chain of flushes alive after a failure; the caller still sees the rejection.
    this.flushing = run.catch(() => {});
    return run;
  }

  /** Flushes and stops; later appends are dropped (reported through onError). */
  async close(): Promise<void> {
    if (this.closed) return this.flushing;
    this.closed = true;
    try {
      await this.flush();
    } catch (error) {
      const { first, last } = this.unwritten.seqs();
      throw new JournalError(
        `journal ${this.path}: ${this.unwritten.length} lines (seq ${first} to ${last}) could not be written ` +
          `before it closed (${this.whyNot(error)}) and are lost; the file ends before them`,
      );
    } finally {
      await this.live.release();
      await this.anchorFile.release();
    }
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => {
        const why = this.whyNot(error);
        if (why !== this.failing) {
          this.failing = why;
          const waiting = this.unwritten.length + this.pending.length;
          this.onError(
            new JournalError(
              `journal ${this.path} not written: ${why}; its ${waiting} newest lines wait in memory ` +
                "and are written as soon as it can (tried again every second)",
            ),
          );
        }
        if (!this.closed) this.schedule(RETRY_INTERVAL_MS);
      });
    }, ms);
  }

  /** An error as the reason a write did not happen: a full disk said as one, not as ENOSPC. */
  private whyNot(error: unknown): string {
    const reason = accessReason(error, dirname(this.path));
    if (reason) return reason.why;
    return error instanceof Error ? error.message : String(error);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Writes what was queued when it started. Appends made meanwhile wait for the next flush: were
   * they taken too, a steady stream of entries (fills a few milliseconds apart) would keep one
   * flush opening, writing and syncing back to back instead of once per interval.
   */
  private async writeQueued(): Promise<void> {
    let left = this.pending.length;
    const toWrite = this.unwritten.length + left;
    while (left > 0) {
      left -= Math.min(left, SERIALISE_SLICE);
      this.serialiseSlice();
      if (left > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    for (let written = 0; written < toWrite; ) {
      const chunk = this.unwritten.take(toWrite - written, this.size, this.maxBytes);
      if (chunk.lines === 0) {
        await this.rotate();
        continue;
      }
      try {
        await this.live.appendSynced(chunk.data);
      } catch (error) {
        this.unwritten.settle(0);
        throw error;
      }
      this.toAnchor = this.unwritten.endAfter(chunk.lines);
      this.unwritten.settle(chunk.lines);
      written += chunk.lines;
      this.size += chunk.data.length;
    }
    if (this.failing !== undefined) {
      this.failing = undefined;
      this.onRecovered(`journal ${this.path} written again: the lines that waited are on disk`);
    }
    await this.anchor();
  }

  /**
   * Moves the anchor to the last line written (already synced, so the anchor is never ahead of
   * the disk). A failure is reported and retried later; the lines themselves are safe.
   */
  private async anchor(): Promise<void> {
    const end = this.toAnchor;
    if (end === undefined) return;
    try {
      if (await this.anchorFile.write(end))
        this.onRecovered(
          `journal anchor ${anchorPathFor(this.path)} was gone (removed or replaced while mimik ran); written again at seq ${end.seq}`,
        );
      if (this.toAnchor === end) this.toAnchor = undefined;
      this.anchorFailing = undefined;
    } catch (error) {
      const why = this.whyNot(error);
      if (why !== this.anchorFailing) {
        this.anchorFailing = why;
        this.onError(
          new JournalError(`journal anchor ${anchorPathFor(this.path)} not updated (${why}); retrying`),
        );
      }
      if (!this.closed) this.schedule(RETRY_INTERVAL_MS);
    }
  }

  private async rotate(): Promise<void> {
    await this.live.release();
    for (let n = this.maxFiles - 1; n >= 1; n--) {
      await renameIfExists(rotatedJournalPath(this.path, n), rotatedJournalPath(this.path, n + 1));
    }
    await renameIfExists(this.path, rotatedJournalPath(this.path, 1));
    this.size = 0;
  }

  private serialise(item: Pending): void {
    const at = this.isoTimes.of(item.at);
    const line =
      (item.text && splicedLine(item.seq, at, item.entry, item.text, this.lastHash)) ??
      lineText(item.seq, at, item.entry, this.lastHash);
    this.lastHash = this.unwritten.push(line);
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
