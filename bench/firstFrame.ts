import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { until } from "./copyRig.js";

/** Several starts: one start reads anywhere in 390-480 ms here, so the median is what is reported. */
export interface FirstFrames {
  median: number;
  runs: number[];
}

/** `startToFirstFrame` `count` times, one after the other; skipped as soon as one is. */
export async function startsToFirstFrame(count: number): Promise<FirstFrames | { skipped: string }> {
  const runs: number[] = [];
  for (let i = 0; i < count; i++) {
    const one = await startToFirstFrame();
    if ("skipped" in one) return one;
    runs.push(one.ms);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, runs };
}

/**
 * Start to first frame: `node dist/bin/mimik.js --demo` (the bundled executable) in a detached
 * tmux session (a real pseudo-terminal, 100×30) on a tmux server of its own, whose socket is in a
 * folder of its own (tmux 3.3 leaves the socket behind after kill-server); the time from spawn
 * until the pane first shows the console's header (an error message is not a frame). Polled
 * every 5 ms, so the figure is good to about 10 ms. Skipped when tmux or the build is missing.
 */
export async function startToFirstFrame(): Promise<{ ms: number } | { skipped: string }> {
  const bin = fileURLToPath(new URL("../bin/mimik.js", import.meta.url));
  if (!existsSync(bin)) return { skipped: "dist/bin/mimik.js not built" };
  // A tmux server of its own each time: the last one may still be going away.
  const dir = mkdtempSync(join(tmpdir(), "mimik-frame-"));
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-S", join(dir, "tmux"), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  try {
    tmux("-V");
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: "tmux not installed" };
  }
  const command = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --demo`;
  const t0 = performance.now();
  let pid: number | undefined;
  try {
    tmux("new-session", "-d", "-s", "bench", "-x", "100", "-y", "30", command);
    pid = Number(tmux("display-message", "-p", "-t", "bench", "#{pane_pid}").trim()) || undefined;
    const deadline = t0 + 10_000;
    while (performance.now() < deadline) {
      let screen = "";
      try {
        screen = tmux("capture-pane", "-p", "-t", "bench");
      } catch {
        return { skipped: "mimik --demo exited before drawing a frame" };
      }
      if (screen.includes("mimik")) return { ms: Math.round(performance.now() - t0) };
      await new Promise((r) => setTimeout(r, 5));
    }
    return { skipped: "no frame within 10 s" };
  } finally {
    try {
      tmux("kill-server");
    } catch {
      // already gone with its only session
    }
    rmSync(dir, { recursive: true, force: true });
    // The closed terminal starts mimik's clean stop: let it end before anything else is timed
    // (one that never ends is a fault worth stopping the bench for).
    if (pid !== undefined)
      await until(() => !existsSync(`/proc/${pid}`), "mimik --demo to stop after its terminal closed");
  }
}
