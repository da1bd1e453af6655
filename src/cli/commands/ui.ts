import { UserError } from "../../../data/userError.js";
import { alertLogger, alertNotice } from "../../app/alertLogger.js";
import type { MountedConsole } from "../../app/mountConsole.js";
import type { Running } from "../../process/boot.js";
import { endIfHungUp, untilSignal } from "../../process/signals.js";
import { EngineStore } from "../../store/engineStore.js";
import type { Command, CommandContext } from "../command.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik [--config FILE] [--demo]

The console: groups, followers, live fills and locks, driven from the keyboard.
With no config file (and no --config or MIMIK_CONFIG), runs the demo on the
embedded simulator. Press ? inside for every key.

Options:
  --config FILE   the config file (default: MIMIK_CONFIG, then the platform
                  config dir)
  --demo          run the demo even if a config exists (never touches your files)

Needs a terminal of at least 80x24. Without a terminal, use \`mimik headless\`.`;

export const uiCommand: Command = {
  name: "ui",
  summary: "the console (default when no command is given)",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(ctx, {
      config: { type: "string" },
      demo: { type: "boolean", default: false },
    });
    if (!ctx.isTTY) {
      throw new UserError(
        "mimik's console needs a terminal (stdin and stdout must be a TTY).\n" +
          "To run without a screen (systemd, pipes, CI) use: mimik headless [--config FILE]",
      );
    }
    // Ink and the app load beside boot's own modules; the engine's threads start only once the
    // first frame is drawn (boot's onScreen), so they do not compete with it for the CPU.
    const loading = import("../../app/mountConsole.js");
    const { boot } = await import("../../process/boot.js");
    const store = new EngineStore();
    // Inside the console nothing may print to stdout: log lines become alerts on screen.
    const logger = alertLogger(store.push);
    const notice = alertNotice(store.push);
    let quit: () => void = () => undefined;
    const quitting = new Promise<void>((resolve) => {
      quit = resolve;
    });
    // Listened for before the start: a terminal closed while it runs waits for it and ends in the
    // clean stop, not in Node's kill on the spot (which left the start's files behind).
    const signalled = untilSignal();
    let app: MountedConsole | undefined;
    let mounting: Promise<void> | undefined;
    let running: Running;
    try {
      running = await boot({
        env: ctx.env,
        cwd: ctx.cwd,
        configFlag: flags.config,
        demo: flags.demo,
        logger,
        notice,
        yieldToEngine: true,
        store,
        // Drawn as soon as the config is read, while the simulator and the engine start on their
        // own threads: a slow login never leaves the trader at a blank terminal.
        onScreen: (screen) => {
          mounting = loading.then(({ mountConsole }) => {
            app = mountConsole(screen, ctx.env, () => quit());
          });
          return mounting;
        },
      });
    } catch (error) {
      // A start that fails (a corrupt state file, a held lock) takes down a screen drawn meanwhile.
      await mounting?.catch(() => undefined);
      app?.unmount();
      throw error;
    }
    const died = running.died.catch((error: Error) => error);
    // A pane that throws ends Ink with that error: the engine must still stop cleanly (journal
    // flushed, locks released), not be cut off by the process ending on an internal error.
    const screenEnded = app
      ?.waitUntilExit()
      .catch(
        (error: unknown) =>
          new Error(`the screen failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    const ended = await Promise.race([quitting, signalled, died, ...(screenEnded ? [screenEnded] : [])]);
    app?.unmount();
    process.stdin.pause();
    store.dispose();
    await running.stop();
    if (ended instanceof Error) {
      ctx.stderr.write(`mimik: ${ended.message}; copying stopped\n`);
      return 1;
    }
    endIfHungUp(ended);
    return 0;
  },
};
