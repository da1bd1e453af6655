import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Whether tmux can be run here (the tests that drive the real console in tmux skip without it). */
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

/**
 * The built `mimik` executable in a real pseudo-terminal (a tmux session of its own, on a server
 * whose socket sits in the test's own folder: tmux 3.3 leaves it behind after kill-server, and in
 * its shared folder every run left one more).
 */
export function tmuxConsole(name: string, options: { columns: number; rows: number; env?: string[] }) {
  const home = mkdtempSync(join(tmpdir(), `mimik-${name}-`));
  const session = `mimik-${name}-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-S", join(home, "tmux"), ...args], { encoding: "utf8" });
  const env = [
    `XDG_CONFIG_HOME=${home}/config`,
    `XDG_RUNTIME_DIR=${home}/run`,
    "NO_COLOR=1",
    ...(options.env ?? []),
  ].join(" ");
  // Ink draws only the last frame when it thinks it runs in CI; a trader's terminal is not CI.
  const ciVars = [
    "CI",
    "CONTINUOUS_INTEGRATION",
    ...Object.keys(process.env).filter((k) => k.startsWith("CI_")),
  ]
    .map((k) => `-u ${k}`)
    .join(" ");
  const bin = resolve("dist/bin/mimik.js");
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(options.columns),
    "-y",
    String(options.rows),
    `env ${ciVars} ${env} node ${bin}; echo "mimik exited with $?"; sleep 60`,
  );
  const screen = () => tmux("capture-pane", "-p", "-t", session);
  return {
    screen,
    keys: (...k: string[]) => tmux("send-keys", "-t", session, ...k),
    resize: (columns: number, rows: number) =>
      tmux("resize-window", "-t", session, "-x", String(columns), "-y", String(rows)),
    /** The screen once `predicate` holds, polled every 100 ms (no fixed sleeps). */
    async waitFor(predicate: (text: string) => boolean, what: string, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (predicate(text)) return text;
        if (Date.now() > deadline) throw new Error(`screen never showed ${what}; last screen:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() {
      spawnSync("tmux", ["-S", join(home, "tmux"), "kill-server"]);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
