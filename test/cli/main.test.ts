import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../data/userError.js";
import type { Command, CommandContext } from "../../src/cli/command.js";
import { type FlagSpec, parseFlags } from "../../src/cli/flags.js";
import { main } from "../../src/cli/main.js";
import { tempDir, validRaw } from "../data/fixtures.js";
import { fakeContext } from "./streams.js";

function fake(name: string, run: (ctx: CommandContext) => Promise<number>): Command {
  return { name, summary: `the ${name} summary`, help: `Usage\n  mimik ${name} (help text)`, run };
}

const seen: CommandContext[] = [];
const table: Command[] = [
  fake("status", async (ctx) => {
    seen.push(ctx);
    const { flags } = parseFlags(
      ctx,
      { json: { type: "boolean" }, port: { type: "number" } },
      { command: "status" },
    );
    ctx.stdout.write(`json=${String(flags.json)} port=${String(flags.port)}\n`);
    return 0;
  }),
  fake("config check", async () => 0),
  fake("config edit", async () => 0),
  fake("boom", async () => {
    throw new UserError("no instance is running; start mimik first", 1);
  }),
  fake("crash", async () => {
    throw new TypeError("x is undefined");
  }),
];

describe("main: dispatch, help and exit codes", () => {
  beforeEach(() => {
    seen.length = 0;
  });

  it.each([["--help"], ["-h"]])("%s lists every command with its summary", async (flag) => {
    const { ctx, stdout } = fakeContext();
    expect(await main([flag], ctx, table)).toBe(0);
    for (const c of table) expect(stdout.text).toContain(`${c.name}`);
    expect(stdout.text).toContain("the config check summary");
    expect(stdout.text).toMatch(/Exit codes: 0 ok, 1 .*, 2 wrong usage/);
  });

  it("prints a command's own help for `mimik <cmd> --help`, without running it", async () => {
    const { ctx, stdout } = fakeContext();
    expect(await main(["config", "check", "--help"], ctx, table)).toBe(0);
    expect(stdout.text).toBe("Usage\n  mimik config check (help text)\n");
  });

  it("prints the version", async () => {
    const { ctx, stdout } = fakeContext();
    expect(await main(["--version"], ctx, table)).toBe(0);
    expect(stdout.text).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("passes the arguments after the command name", async () => {
    const { ctx, stdout } = fakeContext();
    expect(await main(["status", "--json", "--port", "8080"], ctx, table)).toBe(0);
    expect(seen[0]?.argv).toEqual(["--json", "--port", "8080"]);
    expect(stdout.text).toBe("json=true port=8080\n");
  });

  it("unknown command: exit 2, suggestion, nothing on stdout", async () => {
    const { ctx, stdout, stderr } = fakeContext();
    expect(await main(["statsu"], ctx, table)).toBe(2);
    expect(stderr.text).toMatch(/unknown command "statsu"; did you mean "status"\?/);
    expect(stdout.text).toBe("");
  });

  it("a command group without its subcommand: exit 2 listing the subcommands", async () => {
    const { ctx, stderr } = fakeContext();
    expect(await main(["config"], ctx, table)).toBe(2);
    expect(stderr.text).toMatch(/config check, config edit/);
  });

  it("a command group's --help shows each of its subcommands' help, exit 0", async () => {
    const { ctx, stdout, stderr } = fakeContext();
    expect(await main(["config", "--help"], ctx, table)).toBe(0);
    expect(stdout.text).toContain("mimik config check (help text)");
    expect(stdout.text).toContain("mimik config edit (help text)");
    expect(stderr.text).toBe("");
  });

  it.each([
    [["status", "--jsno"], /unknown flag --jsno; did you mean --json\? \(see mimik status --help\)/],
    [["status", "-x"], /unknown flag -x \(see/],
    [["status", "--prot=1"], /unknown flag --prot; did you mean --port\?/],
    [["config", "chek"], /unknown subcommand "chek"; did you mean "mimik config check"\?/],
    [["config", "zzz"], /unknown subcommand "zzz" \(subcommands: config check, config edit;/],
    [["status", "--port"], /--port needs a value/],
    [["status", "--port", "abc"], /--port must be a number/],
    [["status", "--port", " "], /--port must be a number/],
    [["status", "--port=Infinity"], /--port must be a number/],
    [["status", "--port", "0x1F90"], /--port must be a number/],
    [["status", "--port", "1e3"], /--port must be a number/],
    [["status", "extra"], /unexpected argument "extra"/],
    [["status", "--json=maybe"], /is a switch; it takes no value \(see mimik status --help\)/],
    // meow said "The flag --port can only be set once." with no hint (`mimik pause --group main
    // --group other`, `mimik flatten --follower a --follower b`).
    [
      ["status", "--port", "1", "--port", "2"],
      /^mimik status: --port was given more than once; give it once \(see mimik status --help\)\n$/,
    ],
  ])("usage mistake %j: exit 2 with a clear message", async (argv, message) => {
    const { ctx, stderr } = fakeContext();
    expect(await main(argv, ctx, table)).toBe(2);
    expect(stderr.text).toMatch(message);
    expect(stderr.text).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      ["DEMO2001"],
      { follower: { type: "string" } },
      'unexpected argument "DEMO2001"; to name one, give --follower DEMO2001',
    ],
    [
      ["No Such"],
      { group: { type: "string" } },
      'unexpected argument "No Such"; to name one, give --group "No Such"',
    ],
    [["X"], { follower: { type: "string" }, group: { type: "string" } }, "give --follower X or --group X"],
    [["--follower", "A", "B"], { follower: { type: "string" } }, 'unexpected argument "B" (see'],
  ] as const)("a bare name %j: says which flag takes it", (argv, flags, message) => {
    const { ctx } = fakeContext({ argv: [...argv] });
    expect(() => parseFlags(ctx as CommandContext, flags as FlagSpec, { command: "lock" })).toThrow(message);
  });

  it("names the process mimik, as ps and pkill show it", () => {
    const before = process.title;
    try {
      process.title = "node";
      const { ctx } = fakeContext({ argv: [] });
      parseFlags(ctx as CommandContext, {});
      expect(process.title).toBe("mimik");
    } finally {
      process.title = before;
    }
  });

  it("accepts --no-<switch> and --flag=value", async () => {
    const { ctx, stdout } = fakeContext();
    expect(await main(["status", "--no-json", "--port=9"], ctx, table)).toBe(0);
    expect(stdout.text).toBe("json=false port=9\n");
  });

  it("a UserError prints its message only, with its exit code", async () => {
    const { ctx, stderr } = fakeContext();
    expect(await main(["boom"], ctx, table)).toBe(1);
    expect(stderr.text).toBe("no instance is running; start mimik first\n");
  });

  it("an unexpected error: exit 1, no stack unless MIMIK_DEBUG", async () => {
    const quiet = fakeContext();
    expect(await main(["crash"], quiet.ctx, table)).toBe(1);
    expect(quiet.stderr.text).toMatch(/internal error: x is undefined/);
    expect(quiet.stderr.text).not.toMatch(/\n\s+at /);
    const debug = fakeContext({ env: { MIMIK_DEBUG: "1" } });
    await main(["crash"], debug.ctx, table);
    expect(debug.stderr.text).toMatch(/\n\s+at /);
  });

  it("no subcommand goes to the 'ui' command with every argument", async () => {
    const uiSeen: string[][] = [];
    const withUi = [
      ...table,
      fake("ui", async (ctx) => {
        uiSeen.push(ctx.argv);
        return 0;
      }),
    ];
    for (const argv of [[], ["--demo"], ["--config", "f.json"]]) {
      const { ctx } = fakeContext();
      expect(await main(argv, ctx, withUi)).toBe(0);
    }
    expect(uiSeen).toEqual([[], ["--demo"], ["--config", "f.json"]]);
    const { ctx, stdout } = fakeContext();
    await main(["--help"], ctx, withUi);
    expect(stdout.text).not.toMatch(/^\s+ui\s/m);
  });

  it("no subcommand and no console yet: exit 1 with a message", async () => {
    const { ctx, stderr } = fakeContext();
    expect(await main([], ctx, table)).toBe(1);
    expect(stderr.text).toMatch(/console is not built yet/);
  });
});

describe("mimik config check (in process)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("prints a one-line summary and exits 0 for a valid config whose secrets resolve", async () => {
    await writeFile(join(dir, "config.json"), JSON.stringify(validRaw()));
    const { ctx, stdout } = fakeContext({ cwd: dir, env: { MIMIK_SIM_PASSWORD: "pw" } });
    expect(await main(["config", "check", "--config", "config.json"], ctx)).toBe(0);
    expect(stdout.text).toBe("config.json OK: 1 connection, 4 accounts, 1 group, 2 followers\n");
  });

  it("uses MIMIK_CONFIG when --config is absent", async () => {
    await writeFile(join(dir, "c.json"), JSON.stringify(validRaw()));
    const { ctx, stdout } = fakeContext({
      cwd: dir,
      env: { MIMIK_SIM_PASSWORD: "pw", MIMIK_CONFIG: "c.json" },
    });
    expect(await main(["config", "check"], ctx)).toBe(0);
    expect(stdout.text).toMatch(/^c\.json OK/);
  });

  it("reports a password variable that is not set as a problem naming the variable", async () => {
    await writeFile(join(dir, "config.json"), JSON.stringify(validRaw()));
    const { ctx, stdout } = fakeContext({ cwd: dir, env: {} });
    expect(await main(["config", "check", "--config", "config.json"], ctx)).toBe(1);
    expect(stdout.text).toMatch(
      /^config\.json: connections\[0\]\.password: connection "sim": environment variable MIMIK_SIM_PASSWORD is not set/,
    );
  });
});
