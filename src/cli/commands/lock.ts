import type { Command, CommandContext } from "../command.js";
import { configHelp, required, runOnInstance } from "../control-commands.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik lock --follower NAME [--config FILE]

Locks a follower in the running instance without flattening it: no more opening
copies, the open position stays and the leader's closes are still copied. The
lock is saved and survives a restart; it stays until \`mimik unlock\`. To close
the position too, use mimik flatten.

Options:
  --follower NAME   the follower's account name or label
${configHelp(20)}

Exit codes: 0 locked (or already locked: the answer gives that lock's reason and
time, and nothing changes), 1 failed or no instance running, 2 usage.

Example:
  mimik lock --follower DEMO2001`;

export const lockCommand: Command = {
  name: "lock",
  summary: "stop opening copies to a follower (keeps its position)",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      { follower: { type: "string" }, config: { type: "string" } },
      { command: "lock" },
    );
    const follower = required(flags.follower, "follower", "lock");
    return runOnInstance(ctx, flags.config, { cmd: "lock", follower });
  },
};
