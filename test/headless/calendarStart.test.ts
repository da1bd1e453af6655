import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headlessRunning, killAll, runMimik, startMimik } from "./children.js";

/**
 * Issue 16, with the real executable: a group's blackout calendar that cannot be read stops the
 * start with the file, the line and what is wrong (not an "internal error"); fixed, mimik runs.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-calendar-start-"));
  env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_RUNTIME_DIR: join(dir, "run"), PW: "demo" };
  configPath = join(dir, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "PW" } }],
      accounts: ["DEMO1000", "DEMO2001"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
          windows: { blackouts: { file: "news.ics", flattenMinutesBefore: 2 } },
        },
      ],
    }),
  );
});

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

const ics = (...event: string[]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", ...event, "END:VEVENT", "END:VCALENDAR"].join("\r\n");

describe("a blackout calendar at start", () => {
  it("a bad one stops mimik with its line; fixed, mimik runs", async () => {
    await writeFile(
      join(dir, "news.ics"),
      ics("SUMMARY:CPI", "DTSTART;TZID=America/Chicago:20260616T073000"),
    );
    const refused = await runMimik(["headless", "--config", configPath], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain("internal error");
    expect(refused.stderr).toContain('news.ics:3: event "CPI" has no DTEND or DURATION');

    await writeFile(
      join(dir, "news.ics"),
      ics(
        "SUMMARY:CPI",
        "DTSTART;TZID=America/Chicago:20260616T073000",
        "DTEND;TZID=America/Chicago:20260616T074500",
      ),
    );
    const child = startMimik(["headless", "--config", configPath], env);
    await headlessRunning(child);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});
