import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountClaims, accountLockDir, accountLockPath } from "../../data/accountLocks.js";
import { readOwner } from "../../data/lockFile.js";
import { type Config, configSchema } from "../../data/schema.js";
import { type Child, jsonLines, killAll, runMimik, startMimik, startSim, until } from "./children.js";

/**
 * A running config edited by hand, as real processes: what the trader is told when an edit is
 * kept out, and an edit naming a broker account another running mimik holds.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let simUrl: string;
let configA: string;
let a: Child;

function configJson(leader: string, followers: string[], value = 1): Record<string, unknown> {
  return {
    version: 1,
    connections: [
      { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
    ],
    accounts: [leader, ...followers].map((name) => ({ name, connection: "sim" })),
    groups: [
      {
        name: "main",
        leader,
        followers: followers.map((account) => ({ account, sizing: { mode: "multiplier", value } })),
      },
    ],
  };
}

/** As an editor that saves through a temp file does: the instance never reads half a file. */
async function writeConfig(path: string, json: Record<string, unknown>): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(`${path}.edit`, JSON.stringify(json, null, 2));
  await rename(`${path}.edit`, path);
}

async function settled(child: Child): Promise<true | number> {
  return until(async () => {
    if (child.proc.exitCode !== null) return child.proc.exitCode;
    if (jsonLines(child).some((l) => String(l.message).startsWith("mimik headless running"))) return true;
    return undefined;
  }, "the instance to run or exit");
}

const warnings = (child: Child) =>
  jsonLines(child)
    .filter((l) => l.level === "warn")
    .map((l) => String(l.message));

async function followersOf(config: string): Promise<string[]> {
  const status = await runMimik(["status", "--json", "--config", config], env);
  if (status.code !== 0) return [];
  const parsed = JSON.parse(status.stdout) as { groups: { followers: { account: string }[] }[] };
  return parsed.groups.flatMap((g) => g.followers.map((f) => f.account));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-hand-edits-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
  };
  simUrl = (await startSim(env)).url;
  expect(simUrl).not.toBe("");
  configA = join(dir, "a", "config.json");
  await writeConfig(configA, configJson("DEMO1000", ["DEMO2001"]));
  a = startMimik(["headless", "--config", configA], env);
  expect(await settled(a), a.stderr()).toBe(true);
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("an invalid hand edit", () => {
  it("is kept out with a warning that names the field and what is wrong with it", async () => {
    await writeConfig(configA, configJson("DEMO1000", ["DEMO2001"], 0.12345));
    const warning = await until(
      () => warnings(a).find((w) => w.startsWith("config not reloaded")),
      "the edit to be kept out",
    );
    expect(warning).toContain("groups[0].followers[0].sizing.value: must have at most 3 decimals");
    // `mimik status` from another shell says so too: the trader who saved it reads there, not here.
    const kept = await runMimik(["status", "--config", configA], env);
    expect(kept.stdout).toContain(
      `CONFIG NOT RELOADED: ${configA} was edited and is not valid; keeping the config loaded before until it is fixed: ` +
        "line ",
    );
    expect(kept.stdout).toContain("groups[0].followers[0].sizing.value: must have at most 3 decimals");
    // The edit that puts it right (to a size other than the one in force) is taken, and said.
    await writeConfig(configA, configJson("DEMO1000", ["DEMO2001"], 0.5));
    await until(
      () => jsonLines(a).some((l) => l.level === "info" && String(l.message).startsWith("config reloaded")),
      "the fixed edit to be reported as reloaded",
    );
    expect((await runMimik(["status", "--config", configA], env)).stdout).not.toContain("NOT RELOADED");
    // A bad edit undone to exactly what runs changes nothing, and says the warning holds no more.
    await writeConfig(configA, configJson("DEMO1000", ["DEMO2001"], 0.12345));
    await until(() => warnings(a).length === 2 || undefined, "the second bad edit to be kept out");
    await writeConfig(configA, configJson("DEMO1000", ["DEMO2001"], 0.5));
    const restored = await until(
      () => jsonLines(a).find((l) => l.level === "info" && String(l.message).startsWith("config: ")),
      "the undone edit to be said",
    );
    expect(restored.message).toBe(`config: ${configA} is back to the config in force; nothing changed`);
    expect((await runMimik(["status", "--config", configA], env)).stdout).not.toContain("NOT RELOADED");
  }, 30_000);
});

describe("a hand edit naming an account another running mimik holds", () => {
  it("is refused naming the other pid, keeps the config in force, and loads once that mimik has stopped", async () => {
    const configB = join(dir, "b", "config.json");
    await writeConfig(configB, configJson("DEMO2002", ["DEMO2003"]));
    const b = startMimik(["headless", "--config", configB], env);
    expect(await settled(b), b.stderr()).toBe(true);

    // DEMO2002 is B's leader: copying A's fills into it would copy them on to B's followers.
    const edited = configJson("DEMO1000", ["DEMO2001", "DEMO2002"]);
    await writeConfig(configA, edited);
    const refusal = () => warnings(a).find((w) => w.includes("DEMO2002") && w.includes("in use"));
    // Whichever comes first: the refusal, or the edit taken (the follower listed by the instance).
    await until(
      async () => refusal() ?? (await followersOf(configA)).includes("DEMO2002"),
      "the edit to be refused or loaded",
    );
    expect(await followersOf(configA)).toEqual(["DEMO2001"]);
    expect(refusal()).toContain(`pid ${b.pid}`);

    b.proc.kill("SIGTERM");
    expect(await b.exited).toBe(0);
    await writeConfig(configA, edited);
    await until(async () => (await followersOf(configA)).includes("DEMO2002"), "the edit to be loaded");
    const claim = accountClaims(configSchema.parse(edited) as Config).find((c) => c.account === "DEMO2002");
    expect(claim).toBeDefined();
    if (claim) expect((await readOwner(accountLockPath(accountLockDir(), claim)))?.pid).toBe(a.pid);
  }, 30_000);
});
