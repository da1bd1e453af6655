import type { Command, CommandContext } from "../command.js";
import { CONFIG_HELP, required, runOnInstance } from "../control-commands.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik pause --group NAME [--config FILE]

Pauses a group in the running instance: no new openings. The leader's openings
and adds are no longer copied to its followers (each skip is journaled as
"group paused"), but exits still follow: when the leader reduces, closes or
flips, each follower reduces or closes what it holds. The change is saved to
the config (the group's "active" becomes false), so it outlasts a restart.

Options:
  --group NAME    the group's name
${CONFIG_HELP}

Exit codes: 0 paused, 1 failed or no instance running, 2 usage.

Example:
  mimik pause --group main`;

export const pauseCommand: Command = {
  name: "pause",
  summary: "stop a group's new openings (exits still follow)",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      { group: { type: "string" }, config: { type: "string" } },
      { command: "pause" },
    );
    const group = required(flags.group, "group", "pause");
    return runOnInstance(ctx, flags.config, { cmd: "pause", group });
  },
};
