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
  /**
   * The command's work goes on when nobody reads its output (headless keeps copying, sim keeps
   * serving). Any other command ends quietly, exit 0, when its reader goes away (mimik log | head).
   */
  outputOptional?: boolean;
}
