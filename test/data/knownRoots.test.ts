import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formLines } from "../../components/FormView.js";
import { isKnownRoot, whitelistWarnings } from "../../data/knownRoots.js";
import { configSchema } from "../../data/schema.js";
import type { CommandContext } from "../../src/cli/command.js";
import { configCheckCommand } from "../../src/cli/commands/config-check.js";
import { initForm } from "../../src/screen/forms/form.js";
import { groupFormSpec, groupFormValues } from "../../src/screen/forms/groupForm.js";
import { fakeContext } from "../cli/streams.js";
import { tempDir, validRaw } from "./fixtures.js";

/** A whitelist typo skips every copy of the root meant: said as a warning, never refused. */
function withSymbols(symbols: string[]) {
  const raw = validRaw();
  raw.groups[0]!.whitelist = { enabled: true, symbols };
  return raw;
}

describe("whitelist roots mimik does not know", () => {
  it.each([
    ["ES", true],
    ["mnq", true],
    ["6E", true],
    ["10Y", true],
    ["ESS", false],
    ["NQZ", false],
  ])("%s known: %s", (root, known) => {
    expect(isKnownRoot(root)).toBe(known);
  });

  it("warns of each unknown entry, where it is, and knows a connection's own roots", () => {
    const config = configSchema.parse(withSymbols(["ES", "ESS", "XAU"]));
    expect(whitelistWarnings(config, "config.json").map((w) => [w.path, w.message])).toEqual([
      [
        "groups[0].whitelist.symbols[1]",
        'ESS in group "main" is not a futures root mimik knows: a typo there skips every copy of the root meant as "not whitelisted"',
      ],
      [
        "groups[0].whitelist.symbols[2]",
        'XAU in group "main" is not a futures root mimik knows: a typo there skips every copy of the root meant as "not whitelisted"',
      ],
    ]);
    const own = withSymbols(["ES", "XAU"]);
    own.connections.push({
      ...{ name: "px", broker: "projectx", env: "sim", username: "u" },
      ...{ apiKey: { env: "K" }, symbols: { XAU: "XAUE" } },
    });
    expect(whitelistWarnings(configSchema.parse(own), "config.json")).toEqual([]);
  });

  it("mimik config check prints it and still exits 0", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, "config.json");
      await writeFile(file, JSON.stringify(withSymbols(["ESS", "NQ"])));
      const { ctx, stdout } = fakeContext({
        env: { MIMIK_SIM_PASSWORD: "pw" },
        argv: ["--config", file],
      } as Partial<CommandContext>);
      expect(await configCheckCommand.run(ctx as CommandContext)).toBe(0);
      expect(stdout.text).toMatch(/^warning: .*groups\[0\]\.whitelist\.symbols\[0\]: ESS in group "main"/m);
      expect(stdout.text).toContain("OK:");
    } finally {
      await cleanup();
    }
  });

  it("the group form says so under the field, and still saves", () => {
    const ctx = { freeAccounts: [{ name: "DEMO1000" }], existingGroupNames: [] };
    const spec = groupFormSpec(ctx);
    const state = initForm(spec, {
      ...groupFormValues(ctx),
      name: "ES scalps",
      whitelistEnabled: true,
      symbols: "es, ess",
    });
    const text = formLines(spec, state, 80).map((l) => l.text);
    expect(text.join("\n")).toContain("! ESS is not a futures root mimik knows");
    expect(text.every((l) => l.length <= 80)).toBe(true);
    expect(spec.validate(state.values)).toMatchObject({ ok: true });
  });
});
