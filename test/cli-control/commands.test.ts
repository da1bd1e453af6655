import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfigPath, runtimeDir } from "../../data/paths.js";
import type { Command, CommandContext } from "../../src/cli/command.js";
import { createFlattenCommand } from "../../src/cli/commands/flatten.js";
import { commands } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";
import type { ControlRequest, ControlServer } from "../../src/control/index.js";
import { controlSocketPath, startControlServer } from "../../src/control/index.js";
import type { ControlReply } from "../../src/control/protocol.js";
import type { StatusReport } from "../../src/process/controlHandler.js";
import { fakeContext } from "../cli/streams.js";

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let server: ControlServer | undefined;
let requests: ControlRequest[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-ctlcmd-"));
  env = { XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "cfg") };
  configPath = join(dir, "config.json");
  requests = [];
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

function report(states: Record<string, string> = {}): StatusReport {
  return {
    mode: "SIM",
    pid: 4242,
    connections: [{ name: "sim", broker: "tradovate", state: "connected" }],
    latency: { p50: 0.5, p99: 1.25, count: 8 },
    groups: [
      {
        name: "main",
        active: true,
        leader: "DEMO1000",
        followers: ["DEMO2001", "DEMO2002"].map((account) => ({
          account,
          enabled: true,
          state: states[account] ?? "ACTIVE",
          dayPnl: -12.5,
          positions: account === "DEMO2001" ? [{ contract: "ESZ6", netPos: 2 }] : [],
        })),
      },
    ],
    outOfSync: [{ follower: "DEMO2002", contract: "ESZ6", has: 0, expects: 1 }],
  };
}

/** A stand-in instance on the socket the commands will look for. */
async function serve(handler: (request: ControlRequest) => ControlReply): Promise<void> {
  const path = controlSocketPath(configPath, runtimeDir(env));
  server = await startControlServer(path, async (request) => {
    requests.push(request);
    return handler(request);
  });
}

async function run(argv: string[], options: { isTTY?: boolean; table?: readonly Command[] } = {}) {
  const { ctx, stdout, stderr } = fakeContext({ env, cwd: dir, isTTY: options.isTTY ?? false });
  const code = await main(argv, ctx as Partial<CommandContext>, options.table ?? commands);
  return { code, out: stdout.text, err: stderr.text };
}

describe("control commands' help and usage", () => {
  it.each([
    ["status", /mimik status \[--json\]/],
    ["flatten", /mimik flatten \(--follower NAME \| --group NAME \| --all\) \[--yes\]/],
    ["lock", /mimik lock --follower NAME/],
    ["unlock", /mimik unlock --follower NAME \[--force\]/],
    ["pause", /mimik pause --group NAME/],
    ["resume", /mimik resume --group NAME/],
  ])("%s --help explains it, with exit codes", async (name, usage) => {
    const r = await run([name, "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(usage);
    expect(r.out).toMatch(/Exit codes: 0/);
  });

  it.each([
    [["lock"], /--follower NAME is required/],
    [["unlock", "--force"], /--follower NAME is required/],
    [["pause"], /--group NAME is required/],
    [["resume", "--group", " "], /--group NAME is required/],
    [["flatten", "--yes"], /exactly one target/],
    [["flatten", "--all", "--group", "main", "--yes"], /exactly one target/],
    [["status", "--jsn"], /unknown flag --jsn; did you mean --json\?/],
    [["unlock", "--follower", "half", "--forse"], /unknown flag --forse; did you mean --force\?/],
    [["flatten", "--al", "--yes"], /unknown flag --al; did you mean --all\?/],
    [["flatten", "--all", "-Y"], /unknown flag -Y; did you mean -y\?/],
  ])("%j is a usage error (exit 2)", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe("an empty value", () => {
  it.each([["flatten", "--all", "--yes"], ["lock", "--follower", "DEMO2001"], ["status"]])(
    '%s --config "" is a usage error, never the default config\'s instance',
    async (...argv) => {
      configPath = defaultConfigPath(env);
      await serve(() => ({ ok: true, results: [{ target: "DEMO2001", status: "locked" }] }));
      const r = await run([...argv, "--config", ""]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--config needs a value/);
      expect(requests).toEqual([]);
    },
  );
});

describe("with no instance running", () => {
  it.each([["status"], ["lock", "--follower", "DEMO2001"], ["pause", "--group", "main"]])(
    "%s says so, how to start one, and exits 1",
    async (...argv) => {
      const present = join(dir, "present.json");
      await writeFile(present, "{}");
      const r = await run([...argv, "--config", present]);
      expect(r.code).toBe(1);
      expect(r.err).toContain("no running mimik instance for this config");
      expect(r.err).toContain(`mimik headless --config ${present}`);
    },
  );

  it("the command to start one can be pasted as it is, even for a config path with a space", async () => {
    const spaced = join(dir, "my config.json");
    await writeFile(spaced, "{}");
    const r = await run(["lock", "--follower", "DEMO2001", "--config", spaced]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`start it with \`mimik headless --config '${spaced}'\``);
  });

  it("flatten without a config to reach the broker with says what to pass, or to check the one passed", async () => {
    const r = await run(["flatten", "--all", "--yes", "--config", configPath]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no running instance, and no config at .* check the path$/m);
    const unset = await run(["flatten", "--all", "--yes"]);
    expect(unset.code).toBe(1);
    expect(unset.err).toMatch(/no running instance, and no config at .* pass --config FILE/);
  });

  it("a --config naming no file is said to be one, not only that nothing runs", async () => {
    const typo = join(dir, "conifg.json");
    const r = await run(["status", "--config", typo]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`and there is no config file at ${typo}: check the path given with --config`);
    expect(r.err).not.toContain("start it with");
  });
});

describe("talking to the running instance", () => {
  it("status prints a readable summary", async () => {
    await serve(() => ({ ok: true, status: report({ DEMO2002: "LOCKED" }) }));
    const r = await run(["status", "--config", configPath]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("mimik SIM, pid 4242");
    expect(r.out).toContain("connections: sim (Tradovate) connected");
    expect(r.out).toContain("copy latency: p50 0.50 ms, p99 1.25 ms (8 orders)");
    expect(r.out).toContain("group main (active), leader DEMO1000, 2 followers");
    expect(r.out).toMatch(/DEMO2001 {2}ACTIVE {2}day -\$12\.50 {2}ESZ6 \+2\n/);
    expect(r.out).toMatch(
      /DEMO2002 {2}LOCKED {2}day -\$12\.50 {2}flat {2}OUT OF SYNC ESZ6: has 0, expects \+1/,
    );
  });

  it("status --json prints the instance's status as one JSON object", async () => {
    await serve(() => ({ ok: true, status: report() }));
    const r = await run(["status", "--json", "--config", configPath]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(report());
  });

  it("status of an unreadable payload says so instead of printing garbage", async () => {
    await serve(() => ({ ok: true, status: { mode: 3 } }));
    const r = await run(["status", "--config", configPath]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read.*--json/);
  });

  it("lock, unlock --force, pause, resume send the right request and print per account", async () => {
    await serve((request) => ({
      ok: true,
      results: [
        {
          target: "follower" in request ? request.follower : "main",
          status:
            request.cmd === "lock"
              ? "locked"
              : request.cmd === "unlock"
                ? "unlocked"
                : request.cmd === "pause"
                  ? "paused"
                  : "resumed",
        },
      ],
    }));
    expect((await run(["lock", "--follower", "DEMO2001", "--config", configPath])).out).toBe(
      "ok   DEMO2001  locked\n",
    );
    expect((await run(["unlock", "--follower", "half", "--force", "--config", configPath])).code).toBe(0);
    expect((await run(["pause", "--group", "main", "--config", configPath])).out).toBe(
      "ok   main  paused: no new openings; exits still follow\n",
    );
    expect((await run(["resume", "--group", "main", "--config", configPath])).code).toBe(0);
    expect(requests.map(({ id: _id, ...rest }) => rest)).toEqual([
      { cmd: "lock", follower: "DEMO2001" },
      { cmd: "unlock", follower: "half", force: true },
      { cmd: "pause", group: "main" },
      { cmd: "resume", group: "main" },
    ]);
  });

  it("a failed account makes the command exit 1; an instance error is shown", async () => {
    await serve(() => ({
      ok: false,
      results: [
        { target: "DEMO2001", status: "refused", reason: "net liq is still at or below the trailing floor" },
      ],
    }));
    const failed = await run(["unlock", "--follower", "DEMO2001", "--config", configPath]);
    expect(failed.code).toBe(1);
    expect(failed.out).toBe("FAIL DEMO2001  net liq is still at or below the trailing floor\n");
    await server?.close();
    await serve(() => ({ ok: false, error: "engine stopping" }));
    const refused = await run(["lock", "--follower", "DEMO2001", "--config", configPath]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe("mimik lock: the running instance refused: engine stopping\n");
  });
});

describe("flatten through the running instance", () => {
  /**
   * An instance that flattens: it waits (up to the request's waitLockedMs) for its followers to be
   * reported flat and locked, and answers "locked", or "liquidating" when they never were.
   */
  async function flattenInstance(locks: boolean, reason?: string): Promise<void> {
    await serve((request) => {
      if (request.cmd === "flatten")
        return {
          ok: true,
          results: [
            {
              target: "DEMO2001",
              status: locks ? "locked" : "liquidating",
              sent: 1,
              ...(reason ? { reason } : {}),
            },
          ],
        };
      return { ok: true, status: report({}) };
    });
  }

  it("refuses without a terminal and without --yes (exit 2) and sends nothing", async () => {
    await flattenInstance(true);
    const r = await run(["flatten", "--follower", "DEMO2001", "--config", configPath]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("pass --yes");
    expect(requests).toEqual([]);
  });

  it("asks on a terminal; anything but y leaves everything alone", async () => {
    await flattenInstance(true);
    const questions: string[] = [];
    const ask = async (question: string) => {
      questions.push(question);
      return "n";
    };
    const table = [createFlattenCommand({ ask })];
    const r = await run(["flatten", "--group", "main", "--config", configPath], { isTTY: true, table });
    expect(r.code).toBe(1);
    expect(questions).toEqual(["Flatten and lock 2 followers (DEMO2001, DEMO2002)? [y/N] "]);
    expect(r.out).toBe("not flattened\n");
    expect(requests.map((q) => q.cmd)).toEqual(["status"]);
  });

  it("y flattens, then waits until the instance reports the follower LOCKED", async () => {
    await flattenInstance(true);
    const table = [createFlattenCommand({ ask: async () => "y" })];
    const r = await run(["flatten", "--follower", "DEMO2001", "--config", configPath], {
      isTTY: true,
      table,
    });
    expect(r.code).toBe(0);
    expect(r.out).toBe("ok   DEMO2001  flat; locked (1 sent)\n");
    expect(requests.find((q) => q.cmd === "flatten")).toMatchObject({
      target: { follower: "DEMO2001" },
      waitLockedMs: 10_000,
    });
  });

  it("a follower never reported LOCKED in time is a failure (exit 1) that says the instance keeps trying", async () => {
    await flattenInstance(false);
    const table = [createFlattenCommand({ confirmLockedMs: 300 })];
    const r = await run(["flatten", "--follower", "DEMO2001", "--yes", "--config", configPath], { table });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^FAIL DEMO2001 .*not reported flat and locked within 0.3 s \(the instance keeps trying/,
    );
  });

  it("says why the instance could not flatten it yet (its login is away), not only that time ran out", async () => {
    await flattenInstance(false, "waiting for its login");
    const table = [createFlattenCommand({ confirmLockedMs: 300 })];
    const r = await run(["flatten", "--follower", "DEMO2001", "--yes", "--config", configPath], { table });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^FAIL DEMO2001 .*waiting for its login: not reported flat and locked within 0.3 s/,
    );
  });

  it("an unknown group at the instance is a clear message", async () => {
    await flattenInstance(true);
    const r = await run(["flatten", "--group", "nope", "--yes", "--config", configPath]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`no group named "nope" in the running instance's config`);
  });
});
