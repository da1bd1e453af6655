import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accountKey } from "../../data/accountLocks.js";
import { validateConfigValue } from "../../data/configFile.js";
import { brokerOf } from "../../data/schema.js";
import { projectxSymbols } from "../../engine/broker/projectx/symbols.js";
import type { CommandContext } from "../../src/cli/command.js";
import { configCheckCommand } from "../../src/cli/commands/config-check.js";
import { projectxEndpointsFor } from "../../src/process/sessions.js";
import { tempDir, validRaw } from "../data/fixtures.js";
import { fakeContext } from "./streams.js";

/** A connection names its broker; a ProjectX one has a user name, an API key source, hosts or a url. */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const topstep = (extra: Record<string, unknown> = {}) => ({
  name: "topstep",
  broker: "projectx",
  username: "jdoe",
  apiKey: { env: "MIMIK_TOPSTEPX_KEY" },
  ...extra,
});

function withProjectX(connection: Record<string, unknown>) {
  const raw = validRaw();
  raw.connections.push(connection);
  raw.accounts.push({ name: "S1NOV261234", connection: "topstep" });
  raw.groups[0]!.followers.push({ account: "S1NOV261234", sizing: { mode: "multiplier", value: 1 } });
  return raw;
}

async function check(raw: unknown, env: NodeJS.ProcessEnv) {
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(raw));
  const { ctx, stdout, stderr } = fakeContext({ env, argv: ["--config", file] } as Partial<CommandContext>);
  const code = await configCheckCommand.run(ctx as CommandContext);
  return { code, out: stdout.text, err: stderr.text };
}

function problems(raw: unknown): Map<string, string> {
  const result = validateConfigValue(raw, "config.json");
  return new Map(result.ok ? [] : result.problems.map((p) => [p.path, p.message]));
}

describe("ProjectX connections in the config", () => {
  it("a Tradovate follower and a ProjectX follower in one group; Tradovate is the default broker", () => {
    const result = validateConfigValue(withProjectX(topstep()), "config.json");
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
    const [sim, px] = result.config.connections;
    expect(brokerOf(sim!)).toBe("tradovate");
    expect(px).toMatchObject({ broker: "projectx", env: "live", username: "jdoe" });
    // TopstepX's hosts unless the config names others.
    expect(px?.broker === "projectx" && projectxEndpointsFor(px)).toEqual({
      apiUrl: "https://api.topstepx.com",
      userHubUrl: "https://rtc.topstepx.com/hubs/user",
      marketHubUrl: "https://rtc.topstepx.com/hubs/market",
    });
    const other = topstep({ hosts: { api: "https://api.otherfirm.example" } });
    const parsed = validateConfigValue(withProjectX(other), "config.json");
    const c = parsed.ok ? parsed.config.connections[1] : undefined;
    expect(c?.broker === "projectx" && projectxEndpointsFor(c).apiUrl).toBe("https://api.otherfirm.example");
    expect(c && accountKey(c, "S1NOV261234")).toBe("projectx api.otherfirm.example S1NOV261234");
  });

  it("refuses what a ProjectX connection cannot have, naming the field", () => {
    const ib = validateConfigValue(withProjectX(topstep({ broker: "ib" })), "config.json");
    expect(ib.ok ? [] : ib.problems).toEqual([
      expect.objectContaining({
        path: "connections[1].broker",
        message: '"ib" is not one of the allowed choices',
        fix: expect.stringMatching(/tradovate.*projectx/),
      }),
    ]);
    expect(problems(withProjectX(topstep({ apiKey: undefined }))).has("connections[1].apiKey")).toBe(true);
    expect(problems(withProjectX(topstep({ password: { env: "X" } }))).get("connections[1].password")).toBe(
      'unknown field "password"',
    );
    expect(problems(withProjectX(topstep({ url: "http://127.0.0.1:9" }))).get("connections[1].url")).toMatch(
      /url is for env "sim"/,
    );
    expect(
      problems(withProjectX(topstep({ env: "sim", hosts: { api: "https://a.example" } }))).get(
        "connections[1].hosts",
      ),
    ).toMatch(/hosts are for env "live"/);
    expect(problems(withProjectX(topstep({ env: "demo" }))).has("connections[1].env")).toBe(true);
    expect(problems(withProjectX(topstep({ symbols: { ESZ6: "EP" } }))).size).toBeGreaterThan(0);
    expect(problems(withProjectX(topstep({ symbols: { ES: "EP", NQ: "ENQ" } }))).size).toBe(0);
  });

  it("refuses a symbol map that names one ProjectX root for two products, which would not start", () => {
    // MNQ → ENQ beside the built-in NQ → ENQ: an ENQ fill could not be named, so no session is made.
    expect(
      problems(withProjectX(topstep({ symbols: { MNQ: "ENQ" } }))).get("connections[1].symbols"),
    ).toMatch(/NQ and MNQ both map to the ProjectX root ENQ/);
    expect(
      problems(withProjectX(topstep({ symbols: { MCL: "MCLE", QM: "mcle" } }))).get("connections[1].symbols"),
    ).toMatch(/MCL and QM both map to the ProjectX root MCLE/);
    expect(() => projectxSymbols({ MNQ: "ENQ" })).toThrow(/both map to the broker root ENQ/);
    // Overriding a built-in root frees its old name.
    expect(problems(withProjectX(topstep({ symbols: { NQ: "NQ", MNQ: "ENQ" } }))).size).toBe(0);
  });

  it("mimik config check reads the API key's source and never prints the key", async () => {
    const raw = withProjectX(topstep());
    const ok = await check(raw, { MIMIK_SIM_PASSWORD: "pw", MIMIK_TOPSTEPX_KEY: "px-secret-key-1" });
    expect(ok).toMatchObject({ code: 0, err: "" });
    expect(ok.out).toMatch(/OK: 2 connections, 5 accounts/);
    const missing = await check(raw, { MIMIK_SIM_PASSWORD: "pw" });
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/connections\[1\]\.apiKey.*MIMIK_TOPSTEPX_KEY is not set/);
    expect(missing.out).not.toContain("px-secret-key-1");
  });

  it("a simulator ProjectX connection uses the simulator's /api and /hubs", () => {
    const raw = withProjectX(topstep({ env: "sim", url: "http://127.0.0.1:4000" }));
    const result = validateConfigValue(raw, "config.json");
    const c = result.ok ? result.config.connections[1] : undefined;
    expect(c?.broker === "projectx" && projectxEndpointsFor(c)).toEqual({
      apiUrl: "http://127.0.0.1:4000",
      userHubUrl: "http://127.0.0.1:4000/hubs/user",
      marketHubUrl: "http://127.0.0.1:4000/hubs/market",
    });
  });
});
