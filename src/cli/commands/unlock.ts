import type { Command, CommandContext } from "../command.js";
import { configHelp, required, runOnInstance } from "../control-commands.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik unlock --follower NAME [--force] [--config FILE]

Unlocks a follower in the running instance so it receives opening copies again.
Refused while the follower is still being flattened, still at or below its
trailing drawdown floor, still past a daily limit (it would lock again at once),
or while its balance is not known yet and a limit needs it; the message says
which.

Options:
  --follower NAME   the follower's account name or label
  --force           unlock anyway: stops a flatten in progress, restarts the
                    trailing high-water mark at the current net liquidation,
                    waives daily limits until 17:00 CT; before the first
                    balance, its limits are checked the moment it arrives
${configHelp(20)}

Exit codes: 0 unlocked (or already active), 1 refused or no instance running,
2 usage.

Examples:
  mimik unlock --follower DEMO2001
  mimik unlock --follower half --force`;

export const unlockCommand: Command = {
  name: "unlock",
  summary: "let a locked follower receive copies again",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      {
        follower: { type: "string" },
        force: { type: "boolean", default: false },
        config: { type: "string" },
      },
      { command: "unlock" },
    );
    const follower = required(flags.follower, "follower", "unlock");
    return runOnInstance(ctx, flags.config, { cmd: "unlock", follower, force: flags.force });
  },
};
