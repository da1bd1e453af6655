import type { Command, CommandContext } from "../command.js";
import { CONFIG_HELP, required, runOnInstance } from "../control-commands.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik resume --group NAME [--config FILE]

Resumes a paused group in the running instance: the leader's next trades are
copied again. Trades made while it was paused are not replayed; \`mimik status\`
shows any follower whose position is OUT OF SYNC. The change is saved to the
config.

Options:
  --group NAME    the group's name
${CONFIG_HELP}

Exit codes: 0 resumed, 1 failed or no instance running, 2 usage.

Example:
  mimik resume --group main`;

export const resumeCommand: Command = {
  name: "resume",
  summary: "copy a paused group's trades again",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      { group: { type: "string" }, config: { type: "string" } },
      { command: "resume" },
    );
    const group = required(flags.group, "group", "resume");
    return runOnInstance(ctx, flags.config, { cmd: "resume", group });
  },
};
