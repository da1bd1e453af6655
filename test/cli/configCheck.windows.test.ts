import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateConfigValue } from "../../data/configFile.js";
import { configSchema } from "../../data/schema.js";
import type { CommandContext } from "../../src/cli/command.js";
import { configCheckCommand } from "../../src/cli/commands/config-check.js";
import { initForm, reduceForm } from "../../src/screen/forms/form.js";
import { groupFormSpec, groupFormValues } from "../../src/screen/forms/groupForm.js";
import { tempDir, validRaw } from "../data/fixtures.js";
import { fakeContext } from "./streams.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

function withWindows(windows: unknown) {
  const raw = validRaw();
  raw.groups[0]!.windows = windows;
  return raw;
}

async function check(raw: unknown) {
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(raw));
  const env = { MIMIK_SIM_PASSWORD: "demo" };
  const { ctx, stdout, stderr } = fakeContext({ env, argv: ["--config", file] } as Partial<CommandContext>);
  const code = await configCheckCommand.run(ctx as CommandContext);
  return { code, out: stdout.text, err: stderr.text };
}

function problems(raw: unknown): Map<string, string> {
  const result = validateConfigValue(raw, "config.json");
  return new Map(result.ok ? [] : result.problems.map((p) => [p.path, p.message]));
}

describe("a group's trading windows in the config", () => {
  it("accepts hours by day range or list, an overnight window, flatBy and a blackout calendar", () => {
    const ok = validateConfigValue(
      withWindows({
        hours: [
          { days: "mon-fri", from: "08:30", to: "15:00" },
          { days: ["sun", "mon"], from: "17:00", to: "08:00" },
          { days: "sat", from: "00:00", to: "24:00" },
        ],
        flatBy: "15:55",
        blackouts: { file: "news.ics", flattenMinutesBefore: 2, only: ["CPI", "FOMC"] },
      }),
      "config.json",
    );
    expect(ok.ok).toBe(true);
  });

  it.each([
    [
      { hours: [{ days: "weekdays", from: "08:30", to: "15:00" }] },
      "groups[0].windows.hours[0].days",
      /"mon-fri"/,
    ],
    [
      { hours: [{ days: "mon-fri", from: "8:30", to: "15:00" }] },
      "groups[0].windows.hours[0].from",
      /"HH:MM"/,
    ],
    [
      { hours: [{ days: "mon-fri", from: "08:30", to: "08:30" }] },
      "groups[0].windows.hours[0].to",
      /must differ/,
    ],
    [{ hours: [] }, "groups[0].windows.hours", /at least one window/],
    [{ flatBy: "25:00" }, "groups[0].windows.flatBy", /"HH:MM"/],
    [
      { blackouts: { file: "n.ics", flattenMinutesBefore: -1 } },
      "groups[0].windows.blackouts.flattenMinutesBefore",
      /0/,
    ],
    [{ flatby: "15:55" }, "groups[0].windows.flatby", /unknown field "flatby"/],
  ])("refuses %o at its field", (windows, path, message) => {
    expect(problems(withWindows(windows)).get(path)).toMatch(message);
  });

  it("config check reads each calendar and names a bad one's line", async () => {
    await writeFile(
      join(dir, "good.json"),
      '{"events":[{"name":"CPI","start":"2026-06-16T07:30","minutes":15}]}',
    );
    const good = await check(withWindows({ blackouts: { file: "good.json" } }));
    expect(good.code).toBe(0);
    await writeFile(
      join(dir, "news.ics"),
      [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "SUMMARY:FOMC",
        "DTSTART:20260617T180000Z",
        "END:VEVENT",
        "END:VCALENDAR",
      ].join("\n"),
    );
    const bad = await check(withWindows({ blackouts: { file: "news.ics" } }));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(
      'groups[0].windows.blackouts.file: group "main": news.ics:2: event "FOMC" has no DTEND or DURATION',
    );
    const missing = await check(withWindows({ blackouts: { file: "gone.ics" } }));
    expect(missing.out).toContain("gone.ics: calendar file not found");
  });
});

describe("the group form", () => {
  it("keeps a group's trading windows through an edit of its other fields", () => {
    const windows = { hours: [{ days: "mon-fri", from: "08:30", to: "15:00" }], flatBy: "15:55" };
    const existing = configSchema.parse(withWindows(windows)).groups[0]!;
    const ctx = { freeAccounts: [], existingGroupNames: [], existing };
    const spec = groupFormSpec(ctx);
    const saved = reduceForm(spec, initForm(spec, groupFormValues(ctx)), { type: "save" }).saved;
    expect(saved).toMatchObject({ windows });
  });
});
