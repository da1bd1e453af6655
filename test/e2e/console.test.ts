import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The real `mimik` executable in a real pseudo-terminal (tmux), driven by keys as a trader
 * would: the demo starts, a fill is copied, space toggles a follower, f + y flattens and locks
 * it, ? opens the help, q quits and the process exits 0.
 */
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const bin = resolve("dist/bin/mimik.js");
const session = `mimik-e2e-${process.pid}`;
let home = "";

// The server's socket in the test's own folder: tmux 3.3 leaves it behind after kill-server, and in
// its shared folder every run left one more.
const server = () => join(home, "tmux");
const tmux = (...args: string[]) => execFileSync("tmux", ["-S", server(), ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", session);
const keys = (...k: string[]) => tmux("send-keys", "-t", session, ...k);

async function waitForScreen(predicate: (text: string) => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}; last screen:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ciVars = () =>
  ["CI", "CONTINUOUS_INTEGRATION", ...Object.keys(process.env).filter((k) => k.startsWith("CI_"))]
    .map((k) => `-u ${k}`)
    .join(" ");

const followerLine = (text: string, label: string) =>
  text.split("\n").find((l) => l.includes(`● ${label} DEMO`)) ?? "";

describe.runIf(hasTmux)("the console in a terminal (tmux)", () => {
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "mimik-e2e-"));
    const env = [
      `XDG_CONFIG_HOME=${home}/config`,
      `XDG_RUNTIME_DIR=${home}/run`,
      "MIMIK_DEMO_INTERVAL_MS=700",
      "NO_COLOR=1",
    ].join(" ");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "100",
      "-y",
      "30",
      // Ink draws only the last frame when it thinks it runs in CI; a trader's terminal is not CI.
      `env ${ciVars()} ${env} node ${bin}; echo "mimik exited with $?"; sleep 60`,
    );
  });

  afterAll(() => {
    if (home) spawnSync("tmux", ["-S", server(), "kill-server"]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("shows the demo, copies, toggles, flattens, helps and quits", async () => {
    const first = await waitForScreen((t) => t.includes("Index Scalps") && t.includes("DEMO"), "the panes");
    expect(first).toContain("Followers of Index Scalps");
    expect(first).toContain("Live fills");

    await waitForScreen((t) => /filled/.test(t), "a copied demo fill");

    keys("Tab"); // followers pane, first follower selected
    await waitForScreen((t) => t.includes("▶ Followers"), "the followers pane focused");
    keys("Space");
    await waitForScreen((t) => / off /.test(followerLine(t, "half")), "the follower switched off");

    keys("f");
    await waitForScreen(
      (t) => t.includes("Flatten and lock half (DEMO2001)") && t.includes("y/N"),
      "the question",
    );
    keys("y");
    await waitForScreen((t) => followerLine(t, "half").includes("LOCKED"), "the follower locked");

    keys("?");
    await waitForScreen((t) => t.includes("Flatten+lock ALL") && t.includes("Close help"), "the help");
    keys("?");
    await waitForScreen((t) => t.includes("Live fills"), "the panes again");

    keys("q");
    await waitForScreen((t) => t.includes("mimik exited with 0"), "a clean exit");
  }, 60_000);
});
