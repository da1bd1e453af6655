import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONFIG_VERSION, type Config } from "../../data/schema.js";
import { UserError } from "../../data/userError.js";
import type { Blackout } from "../../engine/index.js";
import { CalendarWatch } from "../../src/process/calendarWatch.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-calwatch-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (...files: string[]): Config => ({
  version: CONFIG_VERSION,
  connections: [],
  accounts: [],
  groups: files.map((file, i) => ({
    name: `G${i}`,
    active: true,
    leader: `L${i}`,
    whitelist: { enabled: false, symbols: [] },
    followers: [],
    windows: { blackouts: { file } },
  })),
});

const event = (name: string, start: string) => JSON.stringify([{ name, start, minutes: 15 }]);

/** A write the watcher must see as a change even within one mtime tick. */
async function rewrite(path: string, text: string, secondsAhead: number) {
  await writeFile(path, text);
  const t = new Date(Date.now() + secondsAhead * 1000);
  await utimes(path, t, t);
}

function watch() {
  const applied: Record<string, Blackout[]>[] = [];
  const problems: string[] = [];
  const reads: string[] = [];
  const w = new CalendarWatch({
    configPath: join(dir, "config.json"),
    apply: (c) => applied.push(c),
    problem: (m) => problems.push(m),
    read: (m) => reads.push(m),
  });
  const names = () =>
    Object.fromEntries(Object.entries(applied.at(-1) ?? {}).map(([f, b]) => [f, b.map((e) => e.name)]));
  return { w, applied, problems, reads, names };
}

describe("CalendarWatch: the trader's calendars in the engine's thread", () => {
  it("refuses to start on a bad calendar, with every problem", async () => {
    await writeFile(join(dir, "bad.json"), '[{"name":"CPI"}]');
    const { w } = watch();
    const error = await w.open(config("bad.json", "gone.ics")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain("bad.json: events[0].start: must be a time");
    expect((error as Error).message).toContain("gone.ics: calendar file not found");
  });

  it("reads a changed file again; a bad edit is said once and the last good blackouts stay", async () => {
    const path = join(dir, "news.json");
    await writeFile(path, event("CPI", "2026-06-16T07:30"));
    const r = watch();
    await r.w.open(config("news.json"));
    expect(r.names()).toEqual({ "news.json": ["CPI"] });

    await rewrite(path, event("FOMC", "2026-06-17T13:00"), 2);
    await r.w.refresh();
    expect(r.names()).toEqual({ "news.json": ["FOMC"] });

    await rewrite(path, "{ broken", 4);
    await r.w.refresh();
    await r.w.refresh();
    // Said once over two polls, with the line; the FOMC blackout is still in force.
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(
      /^news\.json:1: not valid JSON: .*; its last good blackouts stay in force$/,
    );
    expect(r.names()).toEqual({ "news.json": ["FOMC"] });

    await rewrite(path, event("NFP", "2026-07-02T07:30"), 6);
    await r.w.refresh();
    expect(r.names()).toEqual({ "news.json": ["NFP"] });
    // Each edit taken is said (on the console the error stayed the newest alert once fixed).
    expect(r.reads).toEqual([
      "news.json read again: 1 blackout in force",
      "news.json is readable again: 1 blackout in force",
    ]);
  });

  it("follows the config: a new file is read, one no longer named is dropped", async () => {
    await writeFile(join(dir, "a.json"), event("CPI", "2026-06-16T07:30"));
    await writeFile(join(dir, "b.json"), event("FOMC", "2026-06-17T13:00"));
    const r = watch();
    await r.w.open(config("a.json"));
    await r.w.setConfig(config("b.json"));
    expect(r.names()).toEqual({ "b.json": ["FOMC"] });
    const applied = r.applied.length;
    await r.w.refresh();
    expect(r.applied.length).toBe(applied);
  });
});
