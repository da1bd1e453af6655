import { UserError } from "../../../data/userError.js";
import type { EngineEvent, Logger } from "../../../engine/index.js";
import { formatEventLine, formatLogLine } from "../../headless/format.js";
import { lineSink, skippedWords } from "../../headless/lineSink.js";
import { endIfHungUp, untilSignal } from "../../process/signals.js";
import { isScreenRefresh } from "../../store/cadence.js";
import { jsonLine } from "../../text/terminal.js";
import type { Command, CommandContext } from "../command.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik headless [--config FILE] [--demo] [--pretty]

The copy engine without a screen, for tmux, systemd or a VPS: one JSON line per
event on stdout (leader fills, copy decisions, order results, state changes,
positions, connections, alerts). Control it from another shell with
mimik status / flatten / lock / unlock / pause / resume. Stops cleanly on
SIGINT, SIGTERM or SIGHUP. Only one instance may run per config.

The engine runs in a thread of its own: a paused terminal (Ctrl+S), a reader
that stops reading or goes away, or a full disk under stdout never delays a
copy. Output a reader has not taken is held up to MIMIK_OUTPUT_BUFFER_BYTES
(default 1 MiB); beyond that lines are skipped and counted, and the journal
(mimik log) still has every event.

Options:
  --config FILE   the config file (default: MIMIK_CONFIG, then the platform
                  config dir)
  --demo          the demo on the embedded simulator, with its demo trader
  --pretty        human-readable lines instead of JSON`;

export const headlessCommand: Command = {
  name: "headless",
  summary: "run the engine with no UI, one JSON line per event",
  outputOptional: true,
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      {
        config: { type: "string" },
        demo: { type: "boolean", default: false },
        pretty: { type: "boolean", default: false },
      },
      { command: "headless" },
    );
    const out = lineSink(ctx.stdout, {
      maxBuffered: outputBufferBytes(ctx.env.MIMIK_OUTPUT_BUFFER_BYTES),
      onError: (error) =>
        ctx.stderr.write(
          `mimik headless: stdout failed (${error.code ?? error.message}); copying goes on, output stops\n`,
        ),
      // One JSON object a line, this one too: a reader such as jq stops at the first that is not.
      ...(flags.pretty
        ? {}
        : {
            skippedLine: (count: number) =>
              jsonLine({ type: "log", at: Date.now(), level: "warn", message: skippedWords(count) }),
          }),
    });
    const log = (level: "info" | "warn" | "error") => (message: string, data?: Record<string, unknown>) =>
      out.write(formatLogLine(level, message, data, flags.pretty));
    const logger: Logger = { info: log("info"), warn: log("warn"), error: log("error") };
    // Listened for before the start: a stop that comes while it runs (`systemctl stop` a moment
    // after the start) waits for it and ends in the clean stop, not in Node's kill on the spot.
    const signalled = untilSignal();
    const { boot } = await import("../../process/boot.js");
    const running = await boot({
      env: ctx.env,
      cwd: ctx.cwd,
      configFlag: flags.config,
      demo: flags.demo,
      logger,
      yieldToEngine: true,
      // The JSON lines come from the engine's thread as it wrote them, not stringified again here.
      eventLines: !flags.pretty,
      listeners: [
        (event: EngineEvent, line?: string) => {
          if (!isScreenRefresh(event)) out.write(formatEventLine(event, flags.pretty, line));
        },
      ],
    });
    logger.info(
      `mimik headless running (${running.mode}${running.configPath ? `, config ${running.configPath}` : ""}); control socket ${running.controlPath ?? "none"}`,
    );
    const ended = await Promise.race([signalled, running.died.catch((error: Error) => error)]);
    if (ended instanceof Error) {
      logger.error(`${ended.message}: shutting down`);
      await running.stop();
      return 1;
    }
    logger.info(`${ended}: shutting down`);
    await running.stop();
    endIfHungUp(ended);
    return 0;
  },
};

/** "-1" would skip every line, "1MiB" was the default unnoticed: only a whole number of bytes. */
function outputBufferBytes(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) === 0)
    throw new UserError(
      `mimik headless: MIMIK_OUTPUT_BUFFER_BYTES must be a whole number of bytes above 0, like 1048576 (it is "${raw}")`,
      2,
    );
  return Number(raw);
}
