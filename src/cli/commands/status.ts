import { fitLines, terminalColumns } from "../../text/fold.js";
import { jsonLine, printableLines } from "../../text/terminal.js";
import type { Command, CommandContext } from "../command.js";
import { askInstance, CONFIG_HELP } from "../control-commands.js";
import { parseFlags } from "../flags.js";
import { formatStatus, parseStatus } from "../statusText.js";

const HELP = `Usage: mimik status [--json] [--config FILE]

Asks the running mimik (console or headless) for its state over the local
control socket: mode, pid, connections, copy latency, and per group and follower
the state (ACTIVE, LIQ-ONLY, LOCKED with its reason), open positions, day P&L
and any OUT OF SYNC position.

Options:
  --json          the status as one JSON object (for scripts and jq)
${CONFIG_HELP}

Exit codes: 0 answered, 1 no instance running for this config (or it did not
answer), 2 usage.

Examples:
  mimik status
  mimik status --json | jq '.groups[].followers[] | {account, state}'`;

export const statusCommand: Command = {
  name: "status",
  summary: "ask the running instance for its state",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      { json: { type: "boolean", default: false }, config: { type: "string" } },
      { command: "status" },
    );
    const response = await askInstance(ctx, flags.config, { cmd: "status" });
    if (!response.ok) {
      ctx.stderr.write(
        `mimik status: the running instance refused: ${response.error ?? "no reason given"}\n`,
      );
      return 1;
    }
    if (flags.json) {
      ctx.stdout.write(`${jsonLine(response.status)}\n`);
      return 0;
    }
    const report = parseStatus(response.status);
    if (!report) {
      ctx.stderr.write(
        "mimik status: the running instance sent a status this mimik cannot read (a different version?); try --json\n",
      );
      return 1;
    }
    // Folded only for a terminal: a pipe (grep, a script) keeps one line per thing.
    const columns = terminalColumns(ctx.stdout, ctx.isTTY);
    const lines = formatStatus(report);
    const shown = columns === undefined ? lines : fitLines(lines, columns);
    ctx.stdout.write(`${printableLines(shown.join("\n"))}\n`);
    return 0;
  },
};
