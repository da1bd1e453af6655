import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { JournalWriter } from "../../data/journal/writer.js";
import { defaultConfigPath, runtimeDir } from "../../data/paths.js";
import type { CommandContext } from "../../src/cli/command.js";
import { commands } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";
import { type ControlServer, controlSocketPath, startControlServer } from "../../src/control/index.js";
import { fakeContext } from "../cli/streams.js";

// The demo answers on the default config's socket and keeps its journal in a scratch folder:
// `mimik log` in another shell, with no config of one's own, reads that journal.
let dir: string;
let env: NodeJS.ProcessEnv;
let server: ControlServer | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-demolog-"));
  env = { XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "cfg") };
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function instance(mode: string, journal: string): Promise<void> {
  const socket = controlSocketPath(defaultConfigPath(env), runtimeDir(env));
  const status = {
    mode,
    pid: 1,
    journal,
    connections: [],
    latency: { p50: 0, p99: 0, count: 0 },
    groups: [],
    outOfSync: [],
  };
  server = await startControlServer(socket, async () => ({ ok: true, status }));
}

async function log(argv: string[] = []) {
  const { ctx, stdout, stderr } = fakeContext({ env, cwd: dir });
  const code = await main(["log", "--json", ...argv], ctx as Partial<CommandContext>, commands);
  return { code, out: stdout.text, err: stderr.text };
}

it("with no config of one's own, reads the running demo's journal and says so", async () => {
  const journal = join(dir, "demo", "journal.jsonl");
  const w = await JournalWriter.open(journal);
  w.append({ type: "leaderFill", fillId: 7 });
  await w.close();
  await instance("DEMO", journal);
  const { code, out, err } = await log();
  expect(code).toBe(0);
  expect(
    out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).fillId),
  ).toEqual([7]);
  expect(err).toMatch(/no config at .*; reading the running demo's journal/);
});

it("a real instance's journal is never taken for it, nor the demo's when a config is named", async () => {
  const journal = join(dir, "demo", "journal.jsonl");
  const w = await JournalWriter.open(journal);
  w.append({ type: "leaderFill", fillId: 7 });
  await w.close();
  await instance("SIM", journal);
  expect(await log()).toMatchObject({ code: 0, out: "", err: expect.stringMatching(/no journal yet/) });
  await server?.close();
  await instance("DEMO", journal);
  expect(await log(["--config", join(dir, "mine.json")])).toMatchObject({
    code: 0,
    out: "",
    err: expect.stringMatching(/no journal yet/),
  });
});
