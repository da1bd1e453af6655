import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandContext } from "../../src/cli/command.js";
import { configCheckCommand } from "../../src/cli/commands/config-check.js";
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

async function check(maxOpenContracts: unknown) {
  const raw = validRaw();
  raw.groups[0]!.followers[0]!.limits = { maxOpenContracts };
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(raw, null, 2));
  const env = { MIMIK_SIM_PASSWORD: "demo" };
  const { ctx, stdout } = fakeContext({ env, argv: ["--config", file] } as Partial<CommandContext>);
  const code = await configCheckCommand.run(ctx as CommandContext);
  return { code, out: stdout.text };
}

describe("mimik config check: a follower's account max open contracts", () => {
  it("accepts a whole number of contracts", async () => {
    expect(await check(4)).toMatchObject({ code: 0 });
  });

  it.each([
    [2.5, "must be a whole number"],
    [0, "must be at least 1"],
  ])("refuses %s, naming the field: %s", async (value, message) => {
    const { code, out } = await check(value);
    expect(code).toBe(1);
    expect(out).toContain("groups[0].followers[0].limits.maxOpenContracts");
    expect(out).toContain(message);
  });
});
