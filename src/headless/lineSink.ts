import type { Writable } from "node:stream";

export interface LineSinkOptions {
  /** Bytes waiting in the stream beyond which lines are skipped (and counted) instead of queued. */
  maxBuffered?: number;
  /** Told once about an output error that is not a closed reader (a full disk, say). */
  onError?: (error: NodeJS.ErrnoException) => void;
  /** The line that says how many lines were skipped; a JSON output needs it as JSON too. */
  skippedLine?: (count: number) => string;
}

export const skippedWords = (count: number) =>
  `${count} line${count === 1 ? "" : "s"} skipped while the output was not being read`;

/**
 * Lines to stdout that can never hurt the process writing them. A reader that goes away
 * (`mimik headless | head`) ends the output quietly; a reader that stops reading makes lines be
 * skipped and counted rather than queued without bound, and told once it has read what waited;
 * any other write error (a full disk) is reported once and the output goes quiet. A terminal
 * write that blocks (Ctrl+S) blocks only this thread: the engine runs in its own.
 *
 * The lines written in one turn of the event loop (one batch of engine events: some 60 for a copy
 * to 20 followers) leave in one write: a pipe's write is a system call that wakes its reader.
 */
export function lineSink(stream: Writable, options: LineSinkOptions = {}) {
  const maxBuffered = options.maxBuffered ?? 1 << 20;
  const skippedLine = options.skippedLine ?? ((count: number) => `(${skippedWords(count)})`);
  let closed = false;
  let skipped = 0;
  let waitingForReader = false;
  let pending: string[] = [];
  let pendingBytes = 0;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") options.onError?.(error);
  });

  const send = (text: string, done?: (error?: Error | null) => void): void => {
    try {
      stream.write(text, done);
    } catch (error) {
      closed = true;
      const e = error as NodeJS.ErrnoException;
      if (e.code !== "EPIPE") options.onError?.(e);
    }
  };
  const flush = (): void => {
    const text = pending.join("");
    pending = [];
    pendingBytes = 0;
    if (!closed && !stream.destroyed && text !== "") send(text);
  };
  // An empty write's callback runs once everything written before it has gone (the lines of
  // this batch first): the reader has caught up, and hears how many lines it missed, before the
  // lines that came after them. That line is the one written past the bound.
  const tellWhenCaughtUp = (): void => {
    if (waitingForReader) return;
    waitingForReader = true;
    flush();
    send("", (error) => {
      waitingForReader = false;
      if (error || closed || stream.destroyed || skipped === 0) return;
      const count = skipped;
      skipped = 0;
      pending.unshift(`${skippedLine(count)}\n`);
      flush();
    });
  };
  const write = (line: string): void => {
    if (closed || stream.destroyed) return;
    if (stream.writableLength + pendingBytes > maxBuffered) {
      skipped += 1;
      tellWhenCaughtUp();
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
