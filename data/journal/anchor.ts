import { constants } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { HeldHandle } from "./heldHandle.js";
import { isNotFound } from "./paths.js";

/**
 * Where the chain ended when the writer last flushed. The hash chain alone cannot show a cut tail,
 * an edited last line or a chain rewritten with fresh hashes (each is a valid chain); comparing the
 * chain's end with this sidecar does. Written only after the lines it names are on disk.
 */
export interface Anchor {
  /** The last line's seq: how many lines the journal has had since it began. */
  seq: number;
  /** SHA-256 of the last line. */
  hash: string;
  /** That line's own `prev`: tells an edited last line from a rewritten chain. */
  prev: string;
}

/** The end of the chain as found in the files. */
export interface ChainEnd {
  seq: number;
  hash: string;
  prev: string;
}

export type AnchorProblem = "truncated" | "edited" | "rewritten";

export interface AnchorFinding {
  problem: AnchorProblem;
  reason: string;
}

export type AnchorRead = { kind: "none" } | { kind: "bad"; why: string } | { kind: "ok"; anchor: Anchor };

/** journal/config.jsonl → journal/config.anchor.json (never mistaken for a journal file). */
export function anchorPathFor(journalPath: string): string {
  const ext = extname(journalPath);
  return join(dirname(journalPath), `${basename(journalPath, ext)}.anchor.json`);
}

export async function readAnchor(journalPath: string): Promise<AnchorRead> {
  const first = await readAnchorOnce(journalPath);
  // Written in place while mimik runs: a read that met a write halfway sees it whole next time.
  return first.kind === "bad" ? readAnchorOnce(journalPath) : first;
}

async function readAnchorOnce(journalPath: string): Promise<AnchorRead> {
  let text: string;
  try {
    text = await readFile(anchorPathFor(journalPath), "utf8");
  } catch (error) {
    if (isNotFound(error)) return { kind: "none" };
    return { kind: "bad", why: `cannot read it: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  try {
    const value = JSON.parse(text.slice(0, text.indexOf("\n") + 1 || undefined)) as Record<string, unknown>;
    const { seq, hash, prev } = value;
    if (
      typeof seq === "number" &&
      Number.isInteger(seq) &&
      seq >= 0 &&
      typeof hash === "string" &&
      typeof prev === "string"
    )
      return { kind: "ok", anchor: { seq, hash, prev } };
  } catch {
    // Falls through: not what the writer writes.
  }
  return { kind: "bad", why: "it is not an anchor mimik wrote" };
}

/** Every anchor is this many bytes (JSON padded with spaces, then a newline): one fits ~170. */
const ANCHOR_BYTES = 256;

/**
 * Overwrites the anchor in place, without a sync: the cheapest write there is, once per flush.
 * It is safe because of when it happens: the lines it names are already synced, so whatever a
 * crash leaves of this write (the old anchor, or the new one) never names a line the disk lacks;
 * an old anchor only means lines past it, which a start and `mimik verify` accept. A record of
 * fixed size replaces the previous one whole, with nothing of it left behind. The file is held
 * open between writes (one round trip a flush instead of three) and opened afresh after a failure.
 */
export class AnchorFile {
  private readonly held: HeldHandle;

  constructor(readonly journalPath: string) {
    // O_CREAT without O_TRUNC: an existing anchor is never empty, even for a moment.
    this.held = new HeldHandle(() =>
      open(anchorPathFor(journalPath), constants.O_RDWR | constants.O_CREAT, 0o600),
    );
  }

  /**
   * True when the file held open was no longer at its path (removed by a cleanup script or a
   * trader's rm, or replaced) and was made again: written to, it would have been lost to the next
   * start, and with it the check of the chain's end after a kill -9.
   */
  async write(anchor: Anchor): Promise<boolean> {
    const text = JSON.stringify({ version: 1, seq: anchor.seq, hash: anchor.hash, prev: anchor.prev });
    const record = `${text.padEnd(ANCHOR_BYTES - 1)}\n`;
    try {
      let handle = await this.held.get();
      const gone = (await handle.stat()).nlink === 0;
      if (gone) {
        await this.release();
        handle = await this.held.get();
      }
      await handle.write(record, 0, "utf8");
      return gone;
    } catch (error) {
      await this.release();
      throw error;
    }
  }

  release(): Promise<void> {
    return this.held.release();
  }
}

/**
 * What is wrong when the chain's end disagrees with the anchor; undefined when it agrees.
 * `atAnchor` is the line whose seq is the anchor's, when the chain runs past it (lines written
 * after the last anchor update: mimik is running, or was stopped between the two writes).
 */
export function compareWithAnchor(
  end: ChainEnd | undefined,
  anchor: Anchor,
  atAnchor: ChainEnd | undefined,
): AnchorFinding | undefined {
  const endSeq = end?.seq ?? 0;
  if (endSeq < anchor.seq) {
    const missing = anchor.seq - endSeq;
    return {
      problem: "truncated",
      reason: `truncated: the journal ends at seq ${endSeq} but ${anchor.seq} lines were written, so ${missing === 1 ? "the last line is" : `the last ${missing} lines are`} missing`,
    };
  }
  if (anchor.seq === 0) return undefined;
  const line = end?.seq === anchor.seq ? end : atAnchor;
  if (line === undefined)
    return {
      problem: "rewritten",
      reason: `chain rewritten: no line has seq ${anchor.seq} (the end of the chain when it was last anchored) any more`,
    };
  if (line.hash === anchor.hash) return undefined;
  const which = line === end ? "the last line" : "line";
  if (line.prev === anchor.prev)
    return { problem: "edited", reason: `${which} (seq ${anchor.seq}) was edited after it was written` };
  return {
    problem: "rewritten",
    reason: `chain rewritten: ${which} (seq ${anchor.seq}) and the lines before it were changed and their hashes recomputed`,
  };
}
