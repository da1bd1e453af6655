import { describe, expect, it } from "vitest";
import { validateConfigText, validateConfigValue } from "../../data/configFile.js";
import { formatProblems } from "../../data/problems.js";
import { validRaw } from "./fixtures.js";

type Raw = ReturnType<typeof validRaw>;

interface Case {
  name: string;
  /** Either edit a valid config, or give the whole file text. */
  edit?: (raw: Raw) => void;
  text?: string;
  kind: "syntax" | "invalid" | "newer";
  /** Expected problems: JSON path (or line:column for syntax) and words the message must contain. */
  expect: { path?: string; line?: number; column?: number; says: RegExp }[];
}

const cases: Case[] = [
  {
    name: "malformed JSON: missing comma, with line and column",
    text: '{\n  "version": 1\n  "connections": []\n}\n',
    kind: "syntax",
    expect: [{ line: 3, column: 3, says: /expected "," or "}".*comma may be missing/ }],
  },
  {
    name: "malformed JSON: trailing comma",
    text: '{\n  "version": 1,\n}',
    kind: "syntax",
    expect: [{ line: 3, column: 1, says: /trailing comma/ }],
  },
  {
    name: "malformed JSON: unclosed object",
    text: '{\n  "version": 1,\n  "groups": [\n',
    kind: "syntax",
    expect: [{ line: 4, column: 1, says: /ends inside a list \(a closing "]" is missing\)/ }],
  },
  {
    name: "malformed JSON: comment",
    text: '{\n  // my config\n  "version": 1\n}',
    kind: "syntax",
    expect: [{ line: 2, column: 3, says: /comment/ }],
  },
  { name: "empty file", text: "", kind: "syntax", expect: [{ line: 1, column: 1, says: /empty/ }] },
  {
    name: "unknown field at the top",
    edit: (r) => {
      r.extra = true;
    },
    kind: "invalid",
    expect: [{ path: "extra", says: /unknown field "extra"/ }],
  },
  {
    name: "misspelt follower field suggests the right one",
    edit: (r) => {
      r.groups[0]!.followers[0]!.maxContract = 3;
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[0].maxContract", says: /unknown field "maxContract"/ }],
  },
  {
    name: "wrong type: username is a number",
    edit: (r) => {
      r.connections[0]!.username = 42;
    },
    kind: "invalid",
    expect: [{ path: "connections[0].username", says: /must be text .*not a whole number/ }],
  },
  {
    name: "wrong type: groups is not a list",
    edit: (r) => {
      r.groups = "main" as unknown as Raw["groups"];
    },
    kind: "invalid",
    expect: [{ path: "groups", says: /must be a list/ }],
  },
  {
    name: "wrong enum: env",
    edit: (r) => {
      r.connections[0]!.env = "paper";
    },
    kind: "invalid",
    expect: [{ path: "connections[0].env", says: /one of "sim", "demo", "live"/ }],
  },
  {
    name: "negative multiplier",
    edit: (r) => {
      r.groups[0]!.followers[0]!.sizing = { mode: "multiplier", value: -1 };
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[0].sizing.value", says: /greater than 0/ }],
  },
  {
    name: "zero fixed size",
    edit: (r) => {
      r.groups[0]!.followers[1]!.sizing = { mode: "fixed", contracts: 0 };
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[1].sizing.contracts", says: /at least 1/ }],
  },
  {
    name: "zero max contracts",
    edit: (r) => {
      r.groups[0]!.followers[1]!.maxContracts = 0;
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[1].maxContracts", says: /at least 1/ }],
  },
  {
    name: "negative daily loss",
    edit: (r) => {
      r.groups[0]!.followers[0]!.limits = { dailyLoss: -500 };
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[0].limits.dailyLoss", says: /positive dollar amount/ }],
  },
  {
    name: "weekly loss and daily give-back must be positive dollars",
    edit: (r) => {
      r.groups[0]!.followers[0]!.limits = { weeklyLoss: 0, dailyGiveBack: "800" };
    },
    kind: "invalid",
    expect: [
      { path: "groups[0].followers[0].limits.weeklyLoss", says: /positive dollar amount/ },
      { path: "groups[0].followers[0].limits.dailyGiveBack", says: /number/ },
    ],
  },
  {
    name: "a firm must be a name; hedgeGuard true or false",
    edit: (r) => {
      r.accounts[0]!.firm = "  ";
      r.hedgeGuard = "off";
    },
    kind: "invalid",
    expect: [
      { path: "accounts[0].firm", says: /firm must not be empty/ },
      { path: "hedgeGuard", says: /must be true or false/ },
    ],
  },
  {
    name: "shadow is true or false",
    edit: (r) => {
      r.groups[0]!.followers[0]!.shadow = "yes";
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[0].shadow", says: /must be true or false/ }],
  },
  {
    name: "multiplier with more than 3 decimals",
    edit: (r) => {
      r.groups[0]!.followers[0]!.sizing = { mode: "multiplier", value: 0.1234 };
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[0].sizing.value", says: /at most 3 decimals/ }],
  },
  {
    name: "unknown sizing mode",
    edit: (r) => {
      r.groups[0]!.followers[0]!.sizing = { mode: "percent", value: 1 };
    },
    kind: "invalid",
    expect: [
      { path: "groups[0].followers[0].sizing.mode", says: /"percent" is not one of the allowed choices/ },
    ],
  },
  {
    name: "password written in the config instead of a source (and not echoed)",
    edit: (r) => {
      r.connections[0]!.password = "hunter2";
    },
    kind: "invalid",
    expect: [{ path: "connections[0].password", says: /\{"env": "VARIABLE_NAME"\}.*never put the secret/ }],
  },
  {
    name: "a request budget of 0, negative or not a whole number",
    edit: (r) => {
      r.connections[0]!.requestBudget = { perSecond: 0, perMinute: -5, perHour: 2.5 };
    },
    kind: "invalid",
    expect: [
      { path: "connections[0].requestBudget.perSecond", says: /./ },
      { path: "connections[0].requestBudget.perMinute", says: /./ },
      { path: "connections[0].requestBudget.perHour", says: /./ },
    ],
  },
  {
    name: "a live login's request budget above Tradovate's published limits",
    edit: (r) => {
      r.connections[0] = {
        ...r.connections[0],
        env: "live",
        cid: 1,
        secret: { env: "MIMIK_TRADOVATE_SECRET" },
        requestBudget: { perSecond: 50, perHour: 50_000 },
      };
    },
    kind: "invalid",
    expect: [
      {
        path: "connections[0].requestBudget.perHour",
        says: /above Tradovate's published 5,000 requests an hour/,
      },
    ],
  },
  {
    name: "duplicate account names",
    edit: (r) => {
      r.accounts.push({ name: "demo2001", connection: "sim" });
    },
    kind: "invalid",
    expect: [{ path: "accounts[4].name", says: /duplicate account name "demo2001"/ }],
  },
  {
    name: "duplicate group names",
    edit: (r) => {
      r.groups.push({ name: "MAIN", leader: "DEMO3000", followers: [] });
    },
    kind: "invalid",
    expect: [{ path: "groups[1].name", says: /duplicate group name/ }],
  },
  {
    name: "a leader that is also a follower (same group)",
    edit: (r) => {
      r.groups[0]!.followers.push({ account: "DEMO1000", sizing: { mode: "fixed", contracts: 1 } });
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[2].account", says: /already the leader of group "main"/ }],
  },
  {
    name: "a leader that is a follower in another group",
    edit: (r) => {
      r.groups.push({
        name: "other",
        leader: "DEMO3000",
        followers: [{ account: "DEMO1000", sizing: { mode: "fixed", contracts: 1 } }],
      });
    },
    kind: "invalid",
    expect: [{ path: "groups[1].followers[0].account", says: /already the leader of group "main"/ }],
  },
  {
    name: "an account in two groups",
    edit: (r) => {
      r.groups.push({
        name: "other",
        leader: "DEMO3000",
        followers: [{ account: "DEMO2001", sizing: { mode: "fixed", contracts: 1 } }],
      });
    },
    kind: "invalid",
    expect: [
      { path: "groups[1].followers[0].account", says: /already a follower in group "main".*only one group/ },
    ],
  },
  {
    name: "a group without a leader",
    edit: (r) => {
      delete r.groups[0]!.leader;
    },
    kind: "invalid",
    expect: [{ path: "groups[0].leader", says: /is missing/ }],
  },
  {
    name: "a group with an empty leader",
    edit: (r) => {
      r.groups[0]!.leader = "";
    },
    kind: "invalid",
    expect: [{ path: "groups[0].leader", says: /must not be empty/ }],
  },
  {
    name: "whitelist entry is a contract, not a root",
    edit: (r) => {
      r.groups[0]!.whitelist = { enabled: true, symbols: ["ES", "ESZ6"] };
    },
    kind: "invalid",
    expect: [
      { path: "groups[0].whitelist.symbols[1]", says: /"ESZ6" must be a root symbol.*not a contract month/ },
    ],
  },
  {
    name: "account on an unknown connection",
    edit: (r) => {
      r.accounts[0]!.connection = "live1";
    },
    kind: "invalid",
    expect: [{ path: "accounts[0].connection", says: /unknown connection "live1"/ }],
  },
  {
    name: "follower account not declared",
    edit: (r) => {
      r.groups[0]!.followers[0]!.account = "NOPE";
    },
    kind: "invalid",
    expect: [{ path: "groups[0].followers[0].account", says: /unknown account "NOPE"/ }],
  },
  {
    name: "written by a newer version",
    edit: (r) => {
      r.version = 7;
      r.futureThing = {};
    },
    kind: "newer",
    expect: [{ path: "version", says: /newer mimik \(version 7/ }],
  },
  {
    name: "no version",
    edit: (r) => {
      delete r.version;
    },
    kind: "invalid",
    expect: [{ path: "version", says: /is missing/ }],
  },
  {
    name: "not an object",
    text: "[1, 2]",
    kind: "invalid",
    expect: [{ path: "", says: /JSON object/ }],
  },
];

describe("config problems a trader can read", () => {
  it.each(cases)("$name", (c) => {
    let text = c.text;
    if (text === undefined) {
      const raw = validRaw();
      c.edit?.(raw);
      text = JSON.stringify(raw, null, 2);
    }
    const result = validateConfigText(text, "config.json");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe(c.kind);
    for (const want of c.expect) {
      const match = result.problems.find(
        (p) =>
          (want.path === undefined || p.path === want.path) &&
          (want.line === undefined || (p.line === want.line && p.column === want.column)) &&
          want.says.test(`${p.message} (${p.fix ?? ""})`),
      );
      expect(
        match,
        `no problem like ${JSON.stringify(want)} in:\n${formatProblems(result.problems)}`,
      ).toBeDefined();
    }
    // Every problem names the file, and nothing echoes a pasted password.
    for (const p of result.problems) expect(p.file).toBe("config.json");
    expect(formatProblems(result.problems)).not.toContain("hunter2");
  });

  it("suggests the intended spelling of a misspelt field", () => {
    const raw = validRaw();
    raw.groups[0]!.followers[0]!.maxContract = 3;
    const result = validateConfigValue(raw, "config.json");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.fix).toContain('did you mean "maxContracts"');
  });

  it("reports every schema problem at once, not just the first", () => {
    const raw = validRaw();
    raw.connections[0]!.env = "paper";
    raw.groups[0]!.followers[0]!.sizing = { mode: "multiplier", value: 0 };
    raw.groups[0]!.followers[1]!.bogus = 1;
    const result = validateConfigValue(raw, "config.json");
    expect(result.ok ? 0 : result.problems.length).toBe(3);
  });

  it("formats problems as file: path: message (fix), and syntax as file:line:col", () => {
    const bad = validateConfigText('{"version": 1,\n "x": }', "c.json");
    expect(bad.ok ? "" : formatProblems(bad.problems)).toMatch(
      /^c\.json:2:7: not valid JSON: expected a value/,
    );
    const raw = validRaw();
    raw.extra = 1;
    const unknown = validateConfigValue(raw, "c.json");
    expect(unknown.ok ? "" : formatProblems(unknown.problems)).toBe(
      'c.json: extra: unknown field "extra" (remove it, or check its spelling)',
    );
  });

  it("accepts the valid fixture and fills defaults", () => {
    const result = validateConfigValue(validRaw(), "config.json");
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.groups[0]!.followers[0]!.enabled).toBe(true);
      expect(result.config.groups[0]!.followers[0]!.mapping).toBe("none");
    }
  });
});
