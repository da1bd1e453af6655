import { createInterface } from "node:readline/promises";
import { UserError } from "../../../data/userError.js";
import { printableLines } from "../../text/terminal.js";
import type { Command, CommandContext } from "../command.js";
import { askInstance, configHelp, printResponse, required } from "../control-commands.js";
import { parseFlags } from "../flags.js";
import { parseStatus } from "../statusText.js";

const HELP = `Usage: mimik resync --follower NAME [--yes] [--config FILE]

Resyncs a follower shown OUT OF SYNC in \`mimik status\` (an opening it missed,
a trade by hand), as r does on the console: the running instance sends each of
its out-of-sync contracts the difference to what its rule expects from the
leader's position, at market. What opens passes the same gates as a copy; what
only reduces toward the rule always goes. Refused while the leader's login is
away (its position is not known then).

Asks "Resync NAME: ESZ6 has +0, expects +2 …? [y/N]" first. Without a terminal
(a script, cron, ssh without -t) it refuses unless --yes is given.

Options:
  --follower NAME   the follower's account name or label
  --yes, -y         do not ask
${configHelp(20)}

Exit codes: 0 resynced (or already in sync), 1 refused or no instance running
(or the question answered no), 2 usage.

Examples:
  mimik resync --follower DEMO2001
  mimik resync --follower half --yes`;

export interface ResyncCommandOptions {
  /** Asks a yes/no question on the terminal; the default reads a line from stdin. */
  ask?: (question: string, ctx: CommandContext) => Promise<string>;
}

export function createResyncCommand(options: ResyncCommandOptions = {}): Command {
  return {
    name: "resync",
    summary: "send an OUT OF SYNC follower the difference to its rule",
    help: HELP,
    run: (ctx) => runResync(ctx, options),
  };
}

export const resyncCommand: Command = createResyncCommand();

async function runResync(ctx: CommandContext, options: ResyncCommandOptions): Promise<number> {
  const { flags } = parseFlags(
    ctx,
    {
      follower: { type: "string" },
      yes: { type: "boolean", shortFlag: "y", default: false },
      config: { type: "string" },
    },
    { command: "resync" },
  );
  const follower = required(flags.follower, "follower", "resync");
  if (!flags.yes && !ctx.isTTY)
    throw new UserError(
      "mimik resync: no terminal to confirm on; pass --yes to resync without asking (see mimik resync --help)",
      2,
    );
  if (!flags.yes) {
    const status = await askInstance(ctx, flags.config, { cmd: "status" });
    const report = status.ok ? parseStatus(status.status) : undefined;
    // A name the instance does not know is answered by the resync itself, naming the right ones.
    const lines = report ? outOfSyncOf(report, follower) : [];
    if (lines !== undefined) {
      const answer = await (options.ask ?? askOnTerminal)(
        printableLines(resyncQuestion(follower, lines)),
        ctx,
      );
      if (!/^y(es)?$/i.test(answer.trim())) {
        ctx.stdout.write("not resynced\n");
        return 1;
      }
    }
  }
  return printResponse(ctx, await askInstance(ctx, flags.config, { cmd: "resync", follower }), "resync");
}

type Report = NonNullable<ReturnType<typeof parseStatus>>;
type Line = Report["outOfSync"][number];

/** The follower's OUT OF SYNC lines; undefined when the status names no such follower. */
export function outOfSyncOf(report: Report, name: string): Line[] | undefined {
  const wanted = name.toUpperCase();
  const known = report.groups
    .flatMap((g) => g.followers)
    .find((f) => f.account.toUpperCase() === wanted || f.label?.toUpperCase() === wanted);
  if (!known) return undefined;
  const account = known.account.toUpperCase();
  return report.outOfSync.filter((s) => s.follower.toUpperCase() === account);
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** "Resync half: ESZ6 has +0, expects +2 (sends the difference at market)? [y/N] " */
export function resyncQuestion(follower: string, lines: readonly Line[]): string {
  if (lines.length === 0) return `Resync ${follower} (not shown OUT OF SYNC now)? [y/N] `;
  const what = lines
    .map((l) => `${l.contract} has ${signed(l.has)}, expects ${signed(l.expects)}`)
    .join("; ");
  return `Resync ${follower}: ${what} (sends the difference at market)? [y/N] `;
}

async function askOnTerminal(question: string, ctx: CommandContext): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: ctx.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
