import { Writable } from "node:stream";
import type { CommandContext } from "../../src/cli/command.js";

/** A writable that keeps what was written, for asserting on a command's output. */
export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export function fakeContext(overrides: Partial<CommandContext> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const ctx: Partial<CommandContext> = {
    stdout,
    stderr,
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    ...overrides,
  };
  return { ctx, stdout, stderr };
}
