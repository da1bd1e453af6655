import type { ChainEnd } from "./anchor.js";
import { bytesHash } from "./hash.js";

const HASH_CHARS = 64;
const NEWLINE = 0x0a;
/** Room for a few leader fills' lines at 200 followers (some 150 KB each) before the first growth. */
const FIRST_BYTES = 1 << 20;
const FIRST_LINES = 4096;
/** Grown past this by a backlog (a disk that refused writes), the room is given back once it empties. */
const KEEP_BYTES = 4 << 20;

/** A run of queued lines handed to the file: its bytes, each line ending in "\n". */
export interface Chunk {
  data: Buffer;
  lines: number;
}

/**
 * The journal's serialised lines waiting to be written, as the UTF-8 bytes the file gets, in one
 * Buffer outside V8's heap, with each line's hash beside it. Kept as strings until the flush (up to
 * 100 ms, some 400 lines a leader fill at 200 followers) the lines outlived V8's scavenges, which
 * copied them, and were then joined and encoded again for the write; here each is encoded once, the
 * hash reads the same bytes, and the flush writes them as they are.
 *
 * Lines go in with consecutive seqs (the writer numbers them in order). Bytes handed out by `take`
 * are not moved until `settle` says the write is over: the file system reads them meanwhile.
 */
export class LineQueue {
  private bytes = Buffer.allocUnsafeSlow(FIRST_BYTES);
  /** Each line's hash, 64 hex characters as latin1. */
  private hashes = Buffer.allocUnsafeSlow(FIRST_LINES * HASH_CHARS);
  /** Where each line ends in `bytes`, its newline included. */
  private ends = new Float64Array(FIRST_LINES);
  /** Lines held: written ones before `first`, waiting ones from it. */
  private stored = 0;
  private first = 0;
  /** The seq of line `first`. */
  private firstSeq: number;
  /** The hash of the line before `first` (its `prev`). */
  private before: string;
  private lent = false;

  /** `head`: the last line already on disk, which the first line queued follows. */
  constructor(head: { seq: number; hash: string }) {
    this.firstSeq = head.seq + 1;
    this.before = head.hash;
  }

  /** Lines waiting to be written. */
  get length(): number {
    return this.stored - this.first;
  }

  /** The seqs of the first and last lines waiting (for a message about them). */
  seqs(): { first: number; last: number } {
    return { first: this.firstSeq, last: this.firstSeq + this.length - 1 };
  }

  /** Queues a line (its text without the newline) and returns its hash. */
  push(text: string): string {
    // UTF-8 takes at most three bytes for each UTF-16 unit; the newline one more.
    this.makeRoom(text.length * 3 + 1);
    const at = this.endOf(this.stored - 1);
    const end = at + this.bytes.write(text, at);
    // A plain view, not a Buffer: Buffer's subarray costs more than the hash of a short line.
    const hash = bytesHash(new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + at, end - at));
    this.bytes[end] = NEWLINE;
    this.hashes.write(hash, this.stored * HASH_CHARS, HASH_CHARS, "latin1");
    this.ends[this.stored] = end + 1;
    this.stored += 1;
    return hash;
  }

  /**
   * The longest run of waiting lines, at most `most`, that fits in a file of `size` bytes growing
   * to at most `maxBytes`; none means rotate first. A line bigger than `maxBytes` still goes in,
   * alone in a fresh file, rather than be lost.
   */
  take(most: number, size: number, maxBytes: number): Chunk {
    const from = this.endOf(this.first - 1);
    let bytes = size;
    let lines = 0;
    let to = from;
    while (lines < most && this.first + lines < this.stored) {
      const end = this.ends[this.first + lines]!;
      if (bytes + (end - to) > maxBytes && bytes > 0) break;
      bytes += end - to;
      to = end;
      lines += 1;
    }
    this.lent = lines > 0;
    return { data: this.bytes.subarray(from, to), lines };
  }

  /** The write of the last chunk is over: `written` of its lines are on disk (0 when it failed). */
  settle(written: number): void {
    this.lent = false;
    if (written === 0) return;
    const last = this.first + written - 1;
    this.before = this.hashAt(last);
    this.first += written;
    this.firstSeq += written;
    if (this.first === this.stored) this.empty();
  }

  /** The chain's end after the first `lines` waiting lines. */
  endAfter(lines: number): ChainEnd {
    const index = this.first + lines - 1;
    return {
      seq: this.firstSeq + lines - 1,
      hash: this.hashAt(index),
      prev: index === this.first ? this.before : this.hashAt(index - 1),
    };
  }

  private hashAt(index: number): string {
    return this.hashes.toString("latin1", index * HASH_CHARS, (index + 1) * HASH_CHARS);
  }

  private endOf(index: number): number {
    return index < 0 ? 0 : this.ends[index]!;
  }

  private empty(): void {
    this.stored = 0;
    this.first = 0;
    if (this.bytes.length > KEEP_BYTES) {
      this.bytes = Buffer.allocUnsafeSlow(FIRST_BYTES);
      this.hashes = Buffer.allocUnsafeSlow(FIRST_LINES * HASH_CHARS);
      this.ends = new Float64Array(FIRST_LINES);
    }
  }

  /**
   * Makes room for one more line of up to `most` bytes. The written lines' room is taken back by
   * moving the waiting ones to the front, unless a write is reading them: then they go to a new
   * Buffer and the write keeps the old one.
   */
  private makeRoom(most: number): void {
    const used = this.endOf(this.stored - 1);
    if (used + most <= this.bytes.length && this.stored < this.ends.length) return;
    const from = this.endOf(this.first - 1);
    const waiting = used - from;
    const lines = this.stored - this.first;
    const byteRoom = grown(this.bytes.length, waiting + most);
    if (byteRoom === this.bytes.length && !this.lent) this.bytes.copyWithin(0, from, used);
    else {
      const bytes = Buffer.allocUnsafeSlow(byteRoom);
      bytes.set(this.bytes.subarray(from, used), 0);
      this.bytes = bytes;
    }
    const lineRoom = grown(this.ends.length, lines + 1);
    if (lineRoom === this.ends.length) {
      this.hashes.copyWithin(0, this.first * HASH_CHARS, this.stored * HASH_CHARS);
      this.ends.copyWithin(0, this.first, this.stored);
    } else {
      const hashes = Buffer.allocUnsafeSlow(lineRoom * HASH_CHARS);
      hashes.set(this.hashes.subarray(this.first * HASH_CHARS, this.stored * HASH_CHARS), 0);
      const ends = new Float64Array(lineRoom);
      ends.set(this.ends.subarray(this.first, this.stored), 0);
      this.hashes = hashes;
      this.ends = ends;
    }
    for (let i = 0; i < lines; i++) this.ends[i] = this.ends[i]! - from;
    this.first = 0;
    this.stored = lines;
  }
}

/** `size`, doubled until it is at least twice what is needed: compacting a buffer more than half full would come round again soon. */
function grown(size: number, needed: number): number {
  let next = size;
  while (next < needed * 2) next *= 2;
  return next;
}
