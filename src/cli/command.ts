import type { Writable } from "node:stream";

export { UserError } from "../../data/userError.js";

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
