import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateConfigValue } from "../../data/configFile.js";
import type { CommandContext } from "../../src/cli/command.js";
import { configCheckCommand } from "../../src/cli/commands/config-check.js";
import { tempDir, validRaw } from "../data/fixtures.js";
import { fakeContext } from "./streams.js";

/** A demo or live connection needs an API key: config load and `mimik config check` say so. */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

function withEnv(env: "sim" | "demo" | "live", key: { cid?: number; secret?: unknown } = {}) {
  const raw = validRaw();
  raw.connections[0] = { ...raw.connections[0], env, appId: "mimik-copier", ...key };
  return raw;
}

async function check(raw: unknown, env: NodeJS.ProcessEnv) {
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(raw));
  const { ctx, stdout, stderr } = fakeContext({ env, argv: ["--config", file] } as Partial<CommandContext>);
  const code = await configCheckCommand.run(ctx as CommandContext);
  return { code, out: stdout.text, err: stderr.text };
}

describe("API key for demo and live connections", () => {
  it.each(["demo", "live"] as const)(
    "a %s connection without cid and secret is refused at load, naming both",
    (env) => {
      const result = validateConfigValue(withEnv(env), "config.json");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const byPath = new Map(result.problems.map((p) => [p.path, p.message]));
      expect(byPath.get("connections[0].cid")).toMatch(/API key.*numeric id/);
      expect(byPath.get("connections[0].secret")).toMatch(/API key.*secret/);
      expect(byPath.get("connections[0].cid")).toMatch(/appId.*name you gave the key/);
    },
  );

  it("a sim connection needs no key (the demo and the tests log in with a password)", () => {
    expect(validateConfigValue(withEnv("sim"), "config.json").ok).toBe(true);
  });

  it("mimik config check explains the missing key and exits 1", async () => {
    const r = await check(withEnv("demo"), { MIMIK_SIM_PASSWORD: "pw" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("connections[0].cid");
    expect(r.out).toContain("connections[0].secret");
    expect(r.out).toMatch(/Application Settings → API Access/);
  });

  it("mimik config check passes a demo connection with a key whose secret can be read", async () => {
    const raw = withEnv("demo", { cid: 1234, secret: { env: "MIMIK_TRADOVATE_SECRET" } });
    const ok = await check(raw, { MIMIK_SIM_PASSWORD: "pw", MIMIK_TRADOVATE_SECRET: "s3cr3t-value" });
    expect(ok).toMatchObject({ code: 0, err: "" });
    const missing = await check(raw, { MIMIK_SIM_PASSWORD: "pw" });
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/connections\[0\]\.secret.*MIMIK_TRADOVATE_SECRET is not set/);
    expect(missing.out).not.toContain("s3cr3t-value");
  });
});
