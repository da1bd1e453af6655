import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, runMimik, startSim, until } from "../headless/children.js";
import { TerminalScreen } from "../support/terminalScreen.js";
import { mimikBin } from "./dist.js";

/**
 * The console on a config, in a real pseudo-terminal, told of what is done outside its keys: a
 * hand edit of the config taken, kept out and undone, and a command from another shell. The
 * console's logger drops info lines, and these had gone with them.
 */
const COLUMNS = 200;
const ROWS = 30;
let dir: string;
let config: string;
let env: NodeJS.ProcessEnv;
let console_: ChildProcess | undefined;
let out = "";

const screenText = (): string => {
  const screen = new TerminalScreen(COLUMNS, ROWS);
  screen.write(out);
  return screen.lines().join("\n");
};

async function saveByHand(text: string): Promise<void> {
  await writeFile(`${config}.edit`, text);
  await rename(`${config}.edit`, config);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-console-notices-"));
  config = join(dir, "config.json");
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "cfg"),
    XDG_RUNTIME_DIR: join(dir, "run"),
    TERM: "xterm-256color",
    MIMIK_E2E_PASSWORD: "demo",
    MIMIK_SIM_PASSWORD: "demo",
  };
  const { url } = await startSim(env);
  await saveByHand(
    JSON.stringify(
      {
        version: 1,
        connections: [
          { name: "sim", env: "sim", url, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
        ],
        accounts: [
          { name: "DEMO1000", connection: "sim" },
          { name: "DEMO2001", connection: "sim" },
        ],
        groups: [
          {
            name: "main",
            leader: "DEMO1000",
            followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
          },
        ],
      },
      null,
      2,
    ),
  );
  const command = `stty cols ${COLUMNS} rows ${ROWS}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(mimikBin)} --config ${JSON.stringify(config)}`;
  console_ = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], env });
  console_.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  await until(() => /conn 1\/1 up/.test(screenText()), "the console's login", 20_000);
}, 40_000);

afterAll(async () => {
  console_?.kill("SIGKILL");
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("the console, told of what is done outside its keys", () => {
  it("says a hand edit taken, one kept out, and the file put back", async () => {
    const good = await readFile(config, "utf8");
    await saveByHand(good.replace('"value": 1', '"value": 2'));
    await until(() => screenText().includes("info config reloaded: "), "the edit taken");
    expect(screenText()).toMatch(/×2 /);
    const taken = await readFile(config, "utf8");
    await saveByHand(taken.replace('"value": 2', '"value": 2,,'));
    await until(() => screenText().includes("WARN config not reloaded: "), "the broken edit kept out");
    await saveByHand(taken);
    await until(
      () => /info config: .*is back to the config in force/.test(screenText()),
      "the file put back",
    );
  }, 30_000);

  it("says a command given from another shell", async () => {
    const paused = await runMimik(["pause", "--group", "main", "--config", config], env);
    expect(paused.code).toBe(0);
    await until(
      () => screenText().includes("info mimik pause --group main (from another shell)"),
      "the pause said on screen",
    );
  }, 30_000);
});
