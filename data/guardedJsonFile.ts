import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Adapter } from "lowdb";
import { writeNow } from "./atomicWrite.js";

/** Stands for "no file on disk" where a content hash is expected. */
export const NO_FILE = "(no file)";

export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The file on disk was changed by someone else after we last read it; nothing was written. */
export class FileChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed on disk since it was last read`);
    this.name = "FileChangedError";
  }
}

export interface GuardedJsonFileOptions<T> {
  /** Text → value, or throw a descriptive error (the repositories throw ConfigError / StateError). */
  decode(text: string): T;
  /** File mode for writes; default: keep the existing file's mode. */
  mode?: number | undefined;
}

/**
 * A lowdb adapter that reads with fs and writes with atomicWrite, and remembers the hash of the
 * content it last read or wrote. A write refuses (FileChangedError) when the file on disk no
 * longer has that hash, so an edit made by hand is never overwritten before it has been read.
 * Callers hold the per-path queue (`serialised`) around read-modify-write sequences.
 */
export class GuardedJsonFile<T> implements Adapter<T> {
  /** Hash of the content last read or written, NO_FILE if the file was absent, undefined before any read. */
  lastHash: string | undefined;
  /** The file's identity (identityOf) while it holds what lastHash names, when known. */
  private identity: string | undefined;
  /** The last content read and the identity the file had just before the read. */
  private lastRead: { hash: string; identity: string | undefined } | undefined;

  constructor(
    readonly file: string,
    private readonly options: GuardedJsonFileOptions<T>,
  ) {}

  /** The raw content and its hash, or undefined when the file does not exist. */
  async readText(): Promise<{ text: string; hash: string } | undefined> {
    try {
      // Before the read: a change after it then shows as a new identity, never the reverse.
      const identity = await identityOf(this.file);
      const text = await readFile(this.file, "utf8");
      const hash = contentHash(text);
      this.lastRead = { hash, identity };
      return { text, hash };
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async diskHash(): Promise<string> {
    return (await this.readText())?.hash ?? NO_FILE;
  }

  /**
   * Whether the file still holds what lastHash names. One stat when its inode, size and mtime are
   * as mimik left them (every save of the runtime state asks); otherwise the content is read and
   * compared, so a change that kept all three is still told by its hash next time it matters.
   */
  async unchanged(): Promise<boolean> {
    if (this.identity !== undefined && (await identityOf(this.file)) === this.identity) return true;
    const same = (await this.diskHash()) === this.lastHash;
    if (same) this.adopt(this.lastHash ?? NO_FILE);
    return same;
  }

  async read(): Promise<T | null> {
    const found = await this.readText();
    if (!found) {
      this.lastHash = NO_FILE;
      return null;
    }
    const value = this.options.decode(found.text);
    this.adopt(found.hash);
    return value;
  }

  /** Accept content the caller has read and decoded itself (a reload). */
  adopt(hash: string): void {
    this.lastHash = hash;
    this.identity = this.lastRead?.hash === hash ? this.lastRead.identity : undefined;
  }

  async write(data: T): Promise<void> {
    const text = serialise(data);
    const expected = this.lastHash;
    let identity: string | undefined;
    await writeNow(this.file, text, {
      mode: this.options.mode,
      beforeRename: async () => {
        if (expected !== undefined && !(await this.unchanged())) throw new FileChangedError(this.file);
      },
      written: (stats) => {
        identity = identityString(stats);
      },
    });
    this.lastHash = contentHash(text);
    this.identity = identity;
  }
}

/** Device, inode, size and mtime (ns): what a replacement or an edit of the file changes. */
function identityString(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
}

async function identityOf(file: string): Promise<string | undefined> {
  try {
    return identityString(await stat(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

export function serialise(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
