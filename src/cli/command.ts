import type { Writable } from "node:stream";

/** What a subcommand gets from the process edge; tests pass their own streams and env. */
export interface CommandContext {
  /** Arguments after the subcommand name. */
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdin and stdout are terminals (the UI and confirmations need one). */
  isTTY: boolean;
}

export interface Command {
  /** e.g. "config check", "sim", "flatten" */
  name: string;
  summary: string;
  /** Full --help text. */
  help: string;
  /** Returns the exit code: 0 ok, 1 failure the user can fix, 2 usage. */
  run(ctx: CommandContext): Promise<number>;
}

/** A mistake the user can fix: printed as one message, no stack trace, exit code 1 (or 2 for usage). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}
