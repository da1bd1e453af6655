import type { FileHandle } from "node:fs/promises";

/**
 * A file kept open from one use to the next: opened on first use, and let go (closed) on demand,
 * after which the next use opens it afresh. A failed close is moot: the handle is let go either way.
 */
export class HeldHandle {
  private handle: FileHandle | undefined;

  constructor(private readonly openFile: () => Promise<FileHandle>) {}

  async get(): Promise<FileHandle> {
    this.handle ??= await this.openFile();
    return this.handle;
  }

  async release(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => {});
  }
}
