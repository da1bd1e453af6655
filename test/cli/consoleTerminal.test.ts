import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TerminalScreen } from "../support/terminalScreen.js";
import { mimikBin } from "./dist.js";

/**
 * The bundled console in a real pseudo-terminal (util-linux `script`), its output read as a
 * terminal shows it. The console redraws only the lines that changed (scripts/bundle.mjs patches
 * Ink's incremental renderer); whatever it redraws must land where the full redraw would have.
 */
const COLUMNS = 80;
const ROWS = 24;
let child: ChildProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The console's raw output once the demo has copied `fills` leader fills. */
async function consoleOutput(fills: number): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "mimik-console-tty-"));
  const command = `stty cols ${COLUMNS} rows ${ROWS}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(mimikBin)} --demo`;
  const proc = spawn("script", ["-qfec", command, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, "cfg"),
      XDG_RUNTIME_DIR: join(dir, "run"),
      TERM: "xterm-256color",
      MIMIK_DEMO_INTERVAL_MS: "250",
    },
  });
  child = proc;
  let failed: Error | undefined;
  proc.once("error", (error) => {
    failed = new Error(`could not run util-linux \`script\` for a pseudo-terminal: ${error.message}`);
  });
  let out = "";
  proc.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const deadline = Date.now() + 20_000;
  // Each leader fill the demo trader makes is drawn with its time in the fills pane.
  const leaderFills = () => {
    const text = out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
    return new Set(text.match(/\d\d:\d\d:\d\d +leader/g) ?? []).size;
  };
  while (leaderFills() < fills && Date.now() < deadline && proc.exitCode === null && !failed)
    await new Promise((r) => setTimeout(r, 100));
  if (failed) throw failed;
  // Let the last fill's results and the frame after it be drawn.
  await new Promise((r) => setTimeout(r, 600));
  proc.kill("SIGKILL");
  expect(leaderFills()).toBeGreaterThanOrEqual(fills);
  return out;
}

describe("the console in a terminal", () => {
  it("redraws frame after frame in place: one header on top, the hint bar at the bottom, no scrolling", async () => {
    const screen = new TerminalScreen(COLUMNS, ROWS);
    screen.write(await consoleOutput(4));
    const lines = screen.lines();
    expect(screen.scrolled).toBe(0);
    // The name shows when the latency and budget figures leave room for it (a slow "35ms" is
    // shorter than "1.2ms"), so it may or may not be there.
    expect(lines[0]).toMatch(/^ DEMO {2}(mimik │ )?conn \d\/\d up/);
    expect(lines.filter((l) => l.includes(" conn "))).toHaveLength(1);
    expect(lines[ROWS - 2]).toMatch(/q Quit$/);
    expect(lines[ROWS - 1]).toBe("");
    // A line as wide as the terminal, redrawn as fills come in, keeps its last cell.
    const fillsTitle = lines.find((l) => l.trimStart().startsWith("Live fills"));
    expect(fillsTitle).toMatch(/\d$/);
    expect(fillsTitle).toHaveLength(COLUMNS);
  }, 30_000);
});
