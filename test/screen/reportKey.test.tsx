import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JournalWriter } from "../../data/journal/index.js";
import { journalSink } from "../../src/process/journalSink.js";
import { buildReport } from "../../src/report/build.js";
import { loadDayView } from "../../src/report/dayView.js";
import type { ReportViewModel } from "../../src/report/viewModel.js";
import { reportViewModel } from "../../src/report/viewModel.js";
import { broker, journal, range, config as reportConfig } from "../report/fixture.js";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

/** Issue 16 part 2: one key opens today's report per follower in the console. */

const config = testConfig({
  accounts: [{ name: "LEAD" }, { name: "FOLL1", label: "half" }, { name: "FOLL2" }],
  groups: [{ name: "main", leader: "LEAD", followers: ["FOLL1", "FOLL2"] }],
});
const view = reportViewModel(buildReport({ range, config: reportConfig, journal, broker }));

describe("the report key", () => {
  it("p opens the report over the panes at 80×24; ↓ moves, Esc closes", async () => {
    let answer: (v: ReportViewModel) => void = () => undefined;
    const d = screenDriver(
      config,
      undefined,
      undefined,
      () =>
        new Promise((r) => {
          answer = r;
        }),
    );
    d.press(text("p"));
    expect(d.frame()).toContain("reading the journal…");
    answer(view);
    await d.settle();
    const frame = d.frame();
    const lines = frame.split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(frame).toContain("Report 2026-11-27");
    expect(frame).toMatch(/›half DEMO2001 +1 +\+222 ▁▁█/);
    expect(frame).toMatch(/Esc\/p\/q Close/);
    // The keys are the report's now: "f" does not flatten behind it.
    d.press(text("f"), KEY.down);
    expect(d.calls).toEqual([]);
    expect(d.state().report?.selected).toBe(1);
    d.press(KEY.escape);
    expect(d.state().report).toBeUndefined();
    expect(d.frame()).toContain("Followers of main");
  });

  it("says why when the journal cannot be read, and when there is none", async () => {
    const failing = screenDriver(config, undefined, undefined, () => Promise.reject(new Error("EACCES")));
    failing.press(text("p"));
    await failing.settle();
    expect(failing.frame()).toContain("the journal could not be read: EACCES");
    const none = screenDriver(config);
    none.press(text("p"));
    expect(none.state().report).toBeUndefined();
    expect(none.frame()).toContain("Report: no journal to read here");
  });
});

describe("today's report from the journal", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("draws each follower's day P&L from risk's samples, ending at what the screen shows now", async () => {
    dir = await mkdtemp(join(tmpdir(), "mimik-dayview-"));
    const path = join(dir, "journal.jsonl");
    const writer = await JournalWriter.open(path);
    // A fixed afternoon: three minutes after the 17:00 CT roll, the machine's clock would put the
    // first samples in yesterday's report.
    const now = Date.parse("2026-07-15T18:00:00Z");
    const sink = journalSink(writer, () => config, 60_000);
    const risk = (at: number, follower: string, dayPnl: number) =>
      sink({
        type: "risk",
        at,
        follower,
        netLiq: 50_000 + dayPnl,
        dayPnl,
        highWaterMark: 50_000,
        tradesToday: 0,
      });
    // A minute apart, and only when it moved: the one 10 s later is not journaled.
    risk(now - 180_000, "FOLL1", 100);
    risk(now - 170_000, "FOLL1", 900);
    risk(now - 120_000, "FOLL1", 250);
    risk(now - 60_000, "FOLL1", -50);
    risk(now - 100_000, "FOLL2", 0);
    sink({
      type: "copy",
      at: now - 90_000,
      group: "main",
      follower: "FOLL2",
      fillId: 7,
      contract: "ESZ6",
      outcome: "skipped",
      reason: "hedge guard",
    });
    await writer.close();

    const day = await loadDayView({ journalPath: path, config, now, live: new Map([["FOLL1", 40]]) });
    const half = day.rows.find((r) => r.name === "half FOLL1")!;
    expect(half.curve).toEqual([0, 100, 250, -50, 40]);
    expect(half.netPnl).toBe(40);
    const two = day.rows.find((r) => r.name === "FOLL2")!;
    expect(two).toMatchObject({ skipped: 1, netPnl: 0 });
    expect(day.source).toBe("day P&L as mimik's risk saw it (net liq)");
    expect(day.notes[0]).toMatch(/mimik report --broker/);
  });
});
