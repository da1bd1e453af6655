import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasTmux, tmuxConsole } from "../support/tmuxConsole.js";

/**
 * The console in a real terminal (tmux) made narrower and shorter while it runs. tmux, like most
 * terminals, re-wraps the rows already on screen when it narrows; whatever the console drew before
 * must be gone once the new frame is up, and only the new frame shown.
 */
let mimik: ReturnType<typeof tmuxConsole>;

/** What is wrong with a screen of the demo's console that should hold exactly one frame. */
function staleIn(text: string, columns: number): string[] {
  const lines = text.split("\n");
  const problems: string[] = [];
  // Each pane title and the hint bar once, as one frame has them.
  for (const once of ["Locks & alerts", "Followers of", "Live fills", "Group on/off"]) {
    const n = lines.filter((l) => l.includes(once)).length;
    if (n !== 1) problems.push(`"${once}" on ${n} rows`);
  }
  // Each of the demo's followers on one row at most (the pane scrolls when orders are listed).
  for (const row of ["● half", "● micro", "● tight", "● topst"]) {
    const n = lines.filter((l) => l.includes(row)).length;
    if (n > 1) problems.push(`"${row}" on ${n} rows`);
  }
  const hints = lines.findIndex((l) => l.includes("Group on/off"));
  if (lines.slice(hints + 1).some((l) => l.trim() !== "")) problems.push("text below the hint bar");
  // The header's clock ends at the right edge of a frame laid out for this width.
  if (!/CT$/.test(lines[0] ?? "") || lines[0]?.length !== columns)
    problems.push("a header not laid out for the width");
  return problems;
}

/** Resizes, waits for a frame laid out for the new size, lets a few more frames land, reads it. */
async function resizeTo(columns: number, rows: number) {
  mimik.resize(columns, rows);
  await mimik.waitFor(
    (t) => t.split("\n")[0]?.length === columns && t.includes("q Quit"),
    `a ${columns}-wide frame`,
  );
  // Three frames at Ink's 12 a second and a demo fill or two: stale rows never get rewritten.
  await new Promise((r) => setTimeout(r, 600));
  return mimik.screen();
}

describe.runIf(hasTmux)("the console after the terminal is resized (tmux)", () => {
  beforeAll(() => {
    mimik = tmuxConsole("resize", { columns: 100, rows: 30, env: ["MIMIK_DEMO_INTERVAL_MS=700"] });
  });

  afterAll(() => mimik?.close());

  it("shows only the new frame after narrowing, shortening, both, and widening back", async () => {
    await mimik.waitFor((t) => t.includes("Live fills") && t.includes("● half"), "the panes");
    for (const [columns, rows] of [
      [80, 30], // narrower only: the rows re-wrap
      [100, 30],
      [80, 24], // narrower and shorter
      [80, 30],
      [80, 24], // shorter only
      [120, 40],
      [80, 24],
    ] as const) {
      const text = await resizeTo(columns, rows);
      expect({ size: `${columns}×${rows}`, problems: staleIn(text, columns) }, text).toEqual({
        size: `${columns}×${rows}`,
        problems: [],
      });
    }
  }, 60_000);
});
