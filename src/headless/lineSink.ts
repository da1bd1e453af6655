import type { Writable } from "node:stream";

export interface LineSinkOptions {
  /** Bytes waiting in the stream beyond which lines are skipped (and counted) instead of queued. */
  maxBuffered?: number;
  /** Told once about an output error that is not a closed reader (a full disk, say). */
  onError?: (error: NodeJS.ErrnoException) => void;
}

/**
 * Lines to stdout that can never hurt the process writing them. A reader that goes away
 * (`mimik headless | head`) ends the output quietly; a reader that stops reading makes lines be
 * skipped and counted rather than queued without bound; any other write error (a full disk) is
 * reported once and the output goes quiet. A terminal write that blocks (Ctrl+S) blocks only this
 * thread: the engine runs in its own.
 */
export function lineSink(stream: Writable, options: LineSinkOptions = {}) {
  const maxBuffered = options.maxBuffered ?? 1 << 20;
  let closed = false;
  let skipped = 0;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") options.onError?.(error);
  });
  stream.on("drain", () => {
    if (closed || skipped === 0) return;
    const count = skipped;
    skipped = 0;
    write(`(${count} line${count === 1 ? "" : "s"} skipped while the output was not being read)`);
  });
  // The lines of one batch of engine events leave in one write: a pipe's write is a system call
  // that wakes its reader, and a copy to 20 followers makes some 60 lines at once.
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    const text = pending.join("");
    pending = [];
    pendingBytes = 0;
    if (closed || stream.destroyed || text === "") return;
    try {
      stream.write(text);
    } catch (error) {
      closed = true;
      const e = error as NodeJS.ErrnoException;
      if (e.code !== "EPIPE") options.onError?.(e);
    }
  };
  const write = (line: string): void => {
    if (closed || stream.destroyed) return;
    if (stream.writableLength + pendingBytes > maxBuffered) {
      skipped += 1;
      return;
    }
    if (pending.length === 0) queueMicrotask(flush);
    pending.push(`${line}\n`);
    pendingBytes += line.length + 1;
  };
  return {
    write,
    /** Lines skipped since the reader last caught up. */
    get skipped(): number {
      return skipped;
    },
    get closed(): boolean {
      return closed;
    },
  };
}
