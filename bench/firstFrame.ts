import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { shellQuote } from "../data/shellQuote.js";
import { until } from "./copyRig.js";

/** Several starts: one start reads anywhere in 390-480 ms here, so the median is what is reported. */
export interface FirstFrames {
  median: number;
  runs: number[];
  /** The same measure of a node that only prints the mark: what no program started with node beats. */
  bareNode: { median: number; runs: number[] };
}

type Start = { ms: number } | { skipped: string };

/**
 * `count` starts of the console, each timed to its first frame, one after the other, and as many
 * of a bare node, alternating with them; skipped as soon as one is.
 */
export async function startsToFirstFrame(count: number): Promise<FirstFrames | { skipped: string }> {
  const bin = fileURLToPath(new URL("../bin/mimik.js", import.meta.url));
  if (!existsSync(bin)) return { skipped: "dist/bin/mimik.js not built" };
  const runs: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < count; i++) {
    const one = await startToFirstFrame([process.execPath, bin, "--demo"]);
    if ("skipped" in one) return one;
    runs.push(one.ms);
    const node = await startToFirstFrame([
      process.execPath,
      "-e",
      `process.stdout.write("${FIRST_FRAME_MARK}")`,
    ]);
    if ("skipped" in node) return node;
    bare.push(node.ms);
  }
  return { median: median(runs), runs, bareNode: { median: median(bare), runs: bare } };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/**
 * What marks the first frame: the Groups pane's title, drawn in every frame. Not the header's
 * "mimik": the header drops it first when the line is too narrow, as it is while the demo's two
 * logins are still "connecting" (and the first frame has the config, so it names them).
 */
const FIRST_FRAME_MARK = "Groups";

/** The name the pane's shell waits on before it starts the command. */
const GO = "mimik-bench-go";

/**
 * Start to first frame: a command in a detached tmux session (a real pseudo-terminal, 100×30) on
 * a tmux server of its own, whose socket is in a folder of its own (tmux 3.3 leaves the socket
 * behind after kill-server). The clock runs from the moment the pane's shell is told to start the
 * command (as a shell starts what a trader types) until tmux has read the first frame (its Groups pane) from
 * the pane: the server, the session and the shell are made before, as a terminal is open before
 * anyone types in it. tmux tells what a pane shows through a control-mode client as it reads it,
 * so nothing polls: polling `capture-pane` started a tmux client every few milliseconds, some
 * 50 a second, on the cores the start itself needed.
 */
async function startToFirstFrame(argv: readonly string[]): Promise<Start> {
  const dir = mkdtempSync(join(tmpdir(), "mimik-frame-"));
  const socket = join(dir, "tmux");
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-S", socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  try {
    tmux("-V");
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: "tmux not installed" };
  }
  const command = `tmux -S ${shellQuote(socket)} wait-for ${GO} && exec ${argv.map(shellQuote).join(" ")}`;
  let pid: number | undefined;
  let watcher: ReturnType<typeof spawn> | undefined;
  try {
    tmux("new-session", "-d", "-s", "bench", "-x", "100", "-y", "30", command);
    pid = Number(tmux("display-message", "-p", "-t", "bench", "#{pane_pid}").trim()) || undefined;
    watcher = spawn("tmux", ["-S", socket, "-C", "attach-session", "-t", "bench"], {
      stdio: ["pipe", "pipe", "ignore"],
    });
    const shown = paneOutput(watcher.stdout);
    if (!(await shown.attached)) return { skipped: "tmux's control client did not attach" };
    const t0 = performance.now();
    tmux("wait-for", "-S", GO);
    const seen = await shown.contains(FIRST_FRAME_MARK, 10_000);
    return seen ? { ms: Math.round(seen - t0) } : { skipped: "no frame within 10 s" };
  } finally {
    watcher?.stdin?.end();
    watcher?.kill();
    try {
      tmux("kill-server");
    } catch {
      // already gone with its only session
    }
    rmSync(dir, { recursive: true, force: true });
    // The closed terminal starts mimik's clean stop: let it end before anything else is timed
    // (one that never ends is a fault worth stopping the bench for).
    if (pid !== undefined)
      await until(() => !existsSync(`/proc/${pid}`), "the started command to stop after its terminal closed");
  }
}

/**
 * What a tmux control-mode client hears: `attached` once it is attached, then the pane's output as
 * `%output %<pane> <text>` lines (bytes below 32 and the backslash written as octal escapes).
 * `contains` resolves with the time the text was first read, or undefined after `ms`.
 */
export function paneOutput(client: Readable | null) {
  let lines = "";
  let output = "";
  let attachedNow: () => void = () => undefined;
  const attached = new Promise<boolean>((resolve) => {
    attachedNow = () => resolve(true);
    setTimeout(() => resolve(false), 5_000).unref();
  });
  const waiting: { text: string; found: (at: number) => void }[] = [];
  client?.on("data", (chunk: Buffer) => {
    const at = performance.now();
    lines += chunk.toString("utf8");
    const complete = lines.split("\n");
    lines = complete.pop() ?? "";
    for (const line of complete) {
      if (line.startsWith("%session-changed")) attachedNow();
      const out = /^%output %\d+ (.*)$/.exec(line);
      if (out) output += out[1]!.replace(/\\[0-7]{3}/g, " ");
    }
    for (const w of waiting.splice(0)) {
      if (output.includes(w.text)) w.found(at);
      else waiting.push(w);
    }
  });
  return {
    attached,
    contains(text: string, ms: number): Promise<number | undefined> {
      return new Promise((resolve) => {
        if (output.includes(text)) return resolve(performance.now());
        const timer = setTimeout(() => resolve(undefined), ms);
        waiting.push({
          text,
          found: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      });
    },
  };
}
