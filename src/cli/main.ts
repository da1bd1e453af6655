import { ConfigError } from "../../data/configFile.js";
import { defaultConfigPath } from "../../data/paths.js";
import { closest, formatProblems } from "../../data/problems.js";
import { SecretError } from "../../data/secrets.js";
import { StateError } from "../../data/stateError.js";
import { UserError } from "../../data/userError.js";
import { printableLines } from "../text/terminal.js";
import type { Command, CommandContext } from "./command.js";
import { commands as defaultCommands } from "./commands.js";
import { generalHelp } from "./help.js";
import { mimikVersion } from "./version.js";

function contextFrom(argv: string[], partial: Partial<CommandContext>): CommandContext {
  return {
    argv,
    stdout: partial.stdout ?? process.stdout,
    stderr: partial.stderr ?? process.stderr,
    env: partial.env ?? process.env,
    cwd: partial.cwd ?? process.cwd(),
    isTTY: partial.isTTY ?? Boolean(process.stdin.isTTY && process.stdout.isTTY),
  };
}

/** Arguments before a `--` terminator: only these can be --help. */
function options(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf("--");
  return end === -1 ? argv : argv.slice(0, end);
}

const wantsHelp = (argv: readonly string[]) => options(argv).some((a) => a === "--help" || a === "-h");

/** The command whose (possibly multi-word) name is the longest prefix of argv. */
function findCommand(argv: readonly string[], table: readonly Command[]): Command | undefined {
  let best: Command | undefined;
  let bestWords = 0;
  for (const command of table) {
    const words = command.name.split(" ");
    if (words.length > bestWords && words.every((w, i) => argv[i] === w)) {
      best = command;
      bestWords = words.length;
    }
  }
  return best;
}

/**
 * The process edge for every `mimik …` invocation: picks the command from the table, prints
 * help and version, and turns errors into messages and exit codes (0 ok, 1 fixable, 2 usage).
 * A user mistake never shows a stack trace.
 */
export async function main(
  argv: string[],
  partial: Partial<CommandContext> = {},
  table: readonly Command[] = defaultCommands,
): Promise<number> {
  const base = contextFrom(argv, partial);
  const out = (text: string) => base.stdout.write(`${text}\n`);
  // Error text can hold names from a config or a broker's words: never raw control characters.
  const err = (text: string) => base.stderr.write(`${printableLines(text)}\n`);
  try {
    const first = argv[0];
    if (first === undefined || first.startsWith("-")) {
      if (wantsHelp(argv)) {
        out(generalHelp(table, mimikVersion(), defaultConfigPath(base.env)));
        return 0;
      }
      if (options(argv).some((a) => a === "--version" || a === "-v")) {
        out(mimikVersion());
        return 0;
      }
      const ui = table.find((c) => c.name === "ui");
      if (!ui) {
        err("mimik: the console is not built yet; see mimik --help for the commands that are");
        return 1;
      }
      return await ui.run({ ...base, argv });
    }
    const command = findCommand(argv, table);
    if (!command) {
      const groupCommands = table.filter((c) => c.name.startsWith(`${first} `));
      // `mimik config --help`: every command has --help, a group's is its subcommands' own.
      if (groupCommands.length > 0 && wantsHelp(argv.slice(1))) {
        out(groupCommands.map((c) => c.help).join("\n\n"));
        return 0;
      }
      if (groupCommands.length > 0) {
        const names = groupCommands.map((c) => c.name);
        const typed = argv[1];
        // `mimik config chek`: name what was typed and the subcommand it was likely meant to be.
        if (typed !== undefined && !typed.startsWith("-")) {
          const guess = closest(
            typed,
            names.map((n) => n.split(" ")[1] ?? n),
          );
          err(
            `mimik ${first}: unknown subcommand "${typed}"${guess ? `; did you mean "mimik ${first} ${guess}"?` : ""} (subcommands: ${names.join(", ")}; see mimik --help)`,
          );
          return 2;
        }
        err(`mimik ${first}: needs a subcommand: ${names.join(", ")} (see mimik --help)`);
        return 2;
      }
      const guess = closest(
        first,
        table.map((c) => c.name.split(" ")[0]!),
      );
      err(`mimik: unknown command "${first}"${guess ? `; did you mean "${guess}"?` : ""} (see mimik --help)`);
      return 2;
    }
    const rest = argv.slice(command.name.split(" ").length);
    if (wantsHelp(rest)) {
      out(command.help);
      return 0;
    }
    return await withOutputGuard(base, command, () => command.run({ ...base, argv: rest }));
  } catch (error) {
    return report(error, err, base.env);
  }
}

/**
 * A closed reader (EPIPE) or a failing stdout must never crash mimik with a stack trace. A command
 * whose work does not need its output (headless, sim) carries on quietly; any other command ends,
 * exit 0 when the reader simply went away, 1 with a message for any other output error.
 */
async function withOutputGuard(
  ctx: CommandContext,
  command: Command,
  run: () => Promise<number>,
): Promise<number> {
  let onError: (error: NodeJS.ErrnoException) => void = () => undefined;
  const failed = new Promise<number>((resolve) => {
    onError = (error) => {
      if (command.outputOptional) return;
      if (error.code === "EPIPE") resolve(0);
      else {
        ctx.stderr.write(`mimik ${command.name}: cannot write its output (${error.code ?? error.message})\n`);
        resolve(1);
      }
    };
  });
  ctx.stdout.on("error", onError);
  try {
    return await Promise.race([run(), failed]);
  } finally {
    ctx.stdout.off("error", onError);
  }
}

function report(error: unknown, err: (text: string) => void, env: NodeJS.ProcessEnv): number {
  if (error instanceof UserError) {
    err(error.message);
    return error.exitCode;
  }
  if (error instanceof ConfigError || error instanceof StateError) {
    err(formatProblems(error.problems));
    return 1;
  }
  if (error instanceof SecretError) {
    err(`${error.message}${error.fix ? ` (${error.fix})` : ""}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  err(`mimik: internal error: ${message}`);
  if (env.MIMIK_DEBUG && error instanceof Error && error.stack) err(error.stack);
  else err("(set MIMIK_DEBUG=1 to see where it happened, and please report it)");
  return 1;
}
