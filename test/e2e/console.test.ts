import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasTmux, tmuxConsole } from "../support/tmuxConsole.js";

/**
 * The real `mimik` executable in a real pseudo-terminal (tmux), driven by keys as a trader
 * would: the demo starts, a fill is copied, space toggles a follower, f + y flattens and locks
 * it, ? opens the help, q quits and the process exits 0.
 */
let mimik: ReturnType<typeof tmuxConsole>;
const keys = (...k: string[]) => mimik.keys(...k);
const waitForScreen = (predicate: (text: string) => boolean, what: string) => mimik.waitFor(predicate, what);

const followerLine = (text: string, label: string) =>
  text.split("\n").find((l) => l.includes(`● ${label} DEMO`)) ?? "";

describe.runIf(hasTmux)("the console in a terminal (tmux)", () => {
  beforeAll(() => {
    mimik = tmuxConsole("e2e", { columns: 100, rows: 30, env: ["MIMIK_DEMO_INTERVAL_MS=700"] });
  });

  afterAll(() => mimik?.close());

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
