import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";

export interface FileLine {
  /** 1-based line number within the file. */
  line: number;
  /** Exact text without the trailing newline. */
  text: string;
  /** True for a last line with no newline after it (a write in progress or a crash). */
  unterminated: boolean;
}

/**
 * The lines of a file split on "\n" only, so the text is byte-exact for hashing (readline would
 * swallow a "\r"). Streams, so a 10 MB journal file never sits in memory whole.
 */
export async function* fileLines(file: string | FileHandle): AsyncGenerator<FileLine> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  let line = 0;
  // A held file is read from its start and stays open: its owner closes it.
  const stream =
    typeof file === "string" ? createReadStream(file) : file.createReadStream({ start: 0, autoClose: false });
  for await (const chunk of stream) {
    rest += decoder.write(chunk as Buffer);
    let start = 0;
    let nl = rest.indexOf("\n", start);
    while (nl !== -1) {
      line += 1;
      yield { line, text: rest.slice(start, nl), unterminated: false };
      start = nl + 1;
      nl = rest.indexOf("\n", start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) yield { line: line + 1, text: rest, unterminated: true };
}

export interface FileTail {
  /** The last newline-terminated line, if any. */
  lastLine: string | undefined;
  /** Bytes after the last newline (a torn write); 0 when the file ends cleanly. */
  tornBytes: number;
  size: number;
}

/** Reads backwards from the end until it has the last complete line; cheap on a big file. */
export async function readTail(file: string): Promise<FileTail> {
  const handle = await open(file, "r");
  try {
    return await tailOf(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/** `readTail` of an open file's first `size` bytes (the file as it was when its size was read). */
export async function tailOf(handle: FileHandle, size: number): Promise<FileTail> {
  let window = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - window);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lastNl = buffer.lastIndexOf(0x0a);
    if (lastNl === -1) {
      if (start === 0) return { lastLine: undefined, tornBytes: size, size };
      window *= 4;
      continue;
    }
    const tornBytes = buffer.length - lastNl - 1;
    // lastIndexOf with a negative offset counts from the end, so guard the first byte.
    const prevNl = lastNl === 0 ? -1 : buffer.lastIndexOf(0x0a, lastNl - 1);
    if (prevNl === -1 && start > 0) {
      window *= 4;
      continue;
    }
    const lastLine = buffer.subarray(prevNl + 1, lastNl).toString("utf8");
    return { lastLine, tornBytes, size };
  }
}

export interface LastLines {
  /** Up to the requested number of newline-terminated lines, oldest first, with their byte offsets. */
  lines: { start: number; text: string }[];
  /** Offset just after the last newline: bytes from here to `size` are an unterminated tail. */
  tornStart: number;
  size: number;
}

/** The last `count` complete lines and where the unterminated tail starts; reads backwards from the end. */
export async function readLastLines(file: string, count: number): Promise<LastLines> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    for (let window = 64 * 1024; ; window *= 4) {
      const start = Math.max(0, size - window);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const newlines: number[] = [];
      for (let i = buffer.indexOf(0x0a); i !== -1; i = buffer.indexOf(0x0a, i + 1)) newlines.push(i);
      // A line is only whole when the newline before it is in the window too (or it starts the file).
      if (newlines.length <= count && start > 0) continue;
      const tornStart = newlines.length === 0 ? start : start + newlines[newlines.length - 1]! + 1;
      const lines: { start: number; text: string }[] = [];
      for (let n = newlines.length - 1; n >= 0 && lines.length < count; n--) {
        const from = n === 0 ? 0 : newlines[n - 1]! + 1;
        lines.unshift({ start: start + from, text: buffer.subarray(from, newlines[n]).toString("utf8") });
      }
      return { lines, tornStart, size };
    }
  } finally {
    await handle.close();
  }
}
