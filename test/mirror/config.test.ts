/**
 * Issue 14's config: copy, protect and late per group, refused with words that say what to do;
 * `mimik config check` warns when a group's followers × its expected order traffic would not fit
 * its logins' request budget.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateConfigValue } from "../../data/configFile.js";
import { mirrorBudgetWarnings } from "../../data/mirrorBudget.js";
import { type Config, configSchema } from "../../data/schema.js";
import type { CommandContext } from "../../src/cli/command.js";
import { configCheckCommand } from "../../src/cli/commands/config-check.js";
import { initForm, reduceForm } from "../../src/screen/forms/form.js";
import { groupFormSpec, groupFormValues } from "../../src/screen/forms/groupForm.js";
import { fakeContext } from "../cli/streams.js";
import { tempDir, validRaw } from "../data/fixtures.js";

function withGroup(patch: Record<string, unknown>) {
  const raw = validRaw();
  raw.groups[0] = { ...raw.groups[0]!, ...patch };
  return raw;
}

function problems(patch: Record<string, unknown>): Record<string, string> {
  const result = validateConfigValue(withGroup(patch), "config.json");
  return result.ok ? {} : Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
}

describe("config: working orders per group", () => {
  it("accepts copy fills or orders, protect with fills, and a late rule", () => {
    for (const patch of [
      {},
      { copy: "fills", protect: true },
      { copy: "orders", late: { afterSeconds: 2.5, entries: "cancel" } },
      { protect: true, late: { afterSeconds: 10 } },
    ])
      expect(problems(patch)).toEqual({});
    const parsed = configSchema.parse(withGroup({ copy: "orders", late: {} }));
    expect(parsed.groups[0]!.late).toEqual({ afterSeconds: 5, entries: "market" });
  });

  it("refuses what cannot be meant, naming the field and the fix", () => {
    expect(problems({ copy: "orders", protect: true })["groups[0].protect"]).toMatch(
      /protect goes with copy "fills".*remove "protect"/,
    );
    expect(problems({ copy: "brackets" })["groups[0].copy"]).toMatch(/must be "fills".*or "orders"/);
    expect(problems({ late: { afterSeconds: 0 } })["groups[0].late.afterSeconds"]).toMatch(
      /more than 0 seconds/,
    );
    expect(problems({ late: { entries: "wait" } })["groups[0].late.entries"]).toMatch(/"market" or "cancel"/);
    expect(problems({ expectedOrdersPerHour: 2.5 })["groups[0].expectedOrdersPerHour"]).toMatch(
      /whole number/,
    );
  });
});

function bigConfig(followers: number, logins: number, group: Partial<Config["groups"][number]>): Config {
  const accounts = [
    { name: "LEAD", connection: "login0" },
    ...Array.from({ length: followers }, (_, i) => ({ name: `F${i}`, connection: `login${i % logins}` })),
  ];
  return {
    version: 1,
    connections: [],
    accounts,
    groups: [
      {
        name: "Scalps",
        active: true,
        leader: "LEAD",
        whitelist: { enabled: false, symbols: [] },
        followers: accounts.slice(1).map((a) => ({
          account: a.name,
          enabled: true,
          sizing: { mode: "multiplier" as const, value: 1 },
          mapping: "none" as const,
          limits: {},
        })),
        ...group,
      },
    ],
  };
}

describe("request budget for mirrored orders", () => {
  const rows: Array<[string, number, number, Partial<Config["groups"][number]>, number]> = [
    ["copying fills only: no mirror traffic", 40, 1, {}, 0],
    [
      "20 followers on one login at the default 120 actions an hour (4800 requests) do not fit",
      20,
      1,
      { copy: "orders" },
      1,
    ],
    ["the same 20 spread over two logins fit (2400 each)", 20, 2, { copy: "orders" }, 0],
    ["10 followers fit (2400)", 10, 1, { copy: "orders" }, 0],
    ["protect's default is 40 actions an hour: 40 followers fit (3200)", 40, 1, { protect: true }, 0],
    ["a busy leader's own estimate counts", 10, 1, { protect: true, expectedOrdersPerHour: 300 }, 1],
  ];
  for (const [name, followers, logins, group, warnings] of rows) {
    it(name, () => {
      expect(mirrorBudgetWarnings(bigConfig(followers, logins, group), "config.json")).toHaveLength(warnings);
    });
  }

  it("says which login, how much and why", () => {
    const [w] = mirrorBudgetWarnings(bigConfig(20, 1, { copy: "orders" }), "config.json");
    expect(w).toMatchObject({ path: "groups[0].expectedOrdersPerHour" });
    expect(w!.message).toContain('login "login0" would spend about 4800 requests an hour');
    expect(w!.message).toContain('"Scalps": 20 followers × 120 leader order actions × 2 = 4800');
    expect(w!.fix).toMatch(/more logins/);
  });
});

describe("mimik config check", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => cleanup());

  it("prints the budget warning and still exits 0", async () => {
    const raw = withGroup({ copy: "orders", expectedOrdersPerHour: 5000 });
    const file = join(dir, "config.json");
    await writeFile(file, JSON.stringify(raw));
    const { ctx, stdout } = fakeContext({
      env: { MIMIK_SIM_PASSWORD: "pw" },
      argv: ["--config", file],
    } as Partial<CommandContext>);
    const code = await configCheckCommand.run(ctx as CommandContext);
    expect(code).toBe(0);
    expect(stdout.text).toMatch(
      /^warning: .*groups\[0\]\.expectedOrdersPerHour: login "sim" would spend about 20000 requests/m,
    );
    expect(stdout.text).toContain("OK:");
  });
});

describe("the group form", () => {
  it("keeps a group's working-order settings through an edit of its other fields", () => {
    const existing = configSchema.parse(
      withGroup({ copy: "orders", late: { afterSeconds: 3, entries: "cancel" }, expectedOrdersPerHour: 60 }),
    ).groups[0]!;
    const ctx = { freeAccounts: [], existingGroupNames: [], existing };
    const spec = groupFormSpec(ctx);
    const saved = reduceForm(spec, initForm(spec, groupFormValues(ctx)), { type: "save" }).saved;
    expect(saved).toMatchObject({
      copy: "orders",
      late: { afterSeconds: 3, entries: "cancel" },
      expectedOrdersPerHour: 60,
    });
  });
});
