import type { Command } from "./command.js";

/** `mimik --help`: how to start the console, then one line per command from the table. */
export function generalHelp(commands: readonly Command[], version: string, defaultConfig: string): string {
  const visible = commands.filter((c) => c.name !== "ui");
  const width = Math.max(14, ...visible.map((c) => c.name.length)) + 2;
  const lines = [
    `mimik ${version}: a keyboard-driven trade copier for futures (Tradovate, ProjectX)`,
    "",
    "Usage",
    "  mimik                     the console (no config found: a demo on the built-in",
    "                            simulator)",
    "  mimik --config FILE       the console with that config",
    "  mimik --demo              the demo, even when a config exists",
    "  mimik <command> [options] one of the commands below",
    "",
    "Commands",
    ...visible.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Options",
    "  --config FILE   config file (MIMIK_CONFIG also sets it); default:",
    `                  ${defaultConfig}`,
    "  --help, -h      this help; `mimik <command> --help` explains one command",
    "  --version       print the version",
    "",
    "Exit codes: 0 ok, 1 a problem you can fix (the message says how), 2 wrong usage.",
  ];
  return lines.join("\n");
}
