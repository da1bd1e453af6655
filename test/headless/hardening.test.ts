import { spawn } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalPathFor } from "../../data/journal/index.js";
import { mimikBin } from "../cli/dist.js";
import { killAll, listeningTcpPorts, runMimik, startMimik, startSim, until } from "./children.js";

/**
 * The process edge holds (issue 13 items 4, 5, 6, 11, 12), checked on the real executable: a
 * broker that echoes the password, SIGUSR1, a squatted socket folder, escape codes in names, and
 * readers that go away.
 */

let dir: string;
let configPath: string;
const PASSWORD = "hunter2-Very-Secret";

async function writeConfig(url: string, names: { group?: string; label?: string } = {}): Promise<void> {
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [
        { name: "sim", env: "sim", url, username: "demo", password: { env: "MIMIK_H_PASSWORD" } },
      ],
      accounts: [
        { name: "DEMO1000", connection: "sim" },
        { name: "DEMO2001", connection: "sim", ...(names.label ? { label: names.label } : {}) },
      ],
      groups: [
        {
          name: names.group ?? "main",
          leader: "DEMO1000",
          followers: [{ account: "DEMO2001", sizing: { mode: "fixed", contracts: 1 } }],
        },
      ],
    }),
  );
}

const baseEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  XDG_RUNTIME_DIR: join(dir, "run"),
  XDG_CONFIG_HOME: join(dir, "cfg"),
  MIMIK_H_PASSWORD: PASSWORD,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-hardening-"));
  configPath = join(dir, "config.json");
});

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("a password echoed by the broker never reaches stdout or the journal", () => {
  let echo: Server;
  let url = "";
  beforeAll(async () => {
    // A broker (or a proxy in front of it) whose error page repeats the request it got.
    echo = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`upstream error for request ${body}`);
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const address = echo.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it("headless prints the broker's error without the password, and the journal holds none", async () => {
    await writeConfig(url);
    const child = startMimik(["headless", "--config", configPath], baseEnv());
    await until(() => child.stdout().includes("upstream error"), "the broker's error on stdout", 15_000);
    child.proc.kill("SIGTERM");
    await child.exited;
    expect(child.stdout()).toContain("[redacted]");
    expect(child.stdout()).not.toContain(PASSWORD);
    expect(child.stderr()).not.toContain(PASSWORD);
    const journal = await readFile(journalPathFor(configPath), "utf8");
    expect(journal).toContain("upstream error");
    expect(journal).not.toContain(PASSWORD);
  });
});

describe("with a simulator", () => {
  let simUrl = "";
  beforeAll(async () => {
    simUrl = (await startSim(baseEnv())).url;
  });

  it("SIGUSR1 does not open Node's inspector, and the process goes on", async () => {
    await writeConfig(simUrl);
    const child = startMimik(["headless", "--config", configPath], baseEnv());
    await until(() => child.stdout().includes("mimik headless running"), "headless running");
    process.kill(child.pid, "SIGUSR1");
    await new Promise((r) => setTimeout(r, 500));
    expect(child.proc.exitCode).toBeNull();
    expect(await listeningTcpPorts(child.pid)).not.toContain(9229);
    expect(child.stderr()).not.toContain("Debugger listening");
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });

  it("a group name or label with escape codes is refused at load, and the message shows none raw", async () => {
    // The config rules refuse control characters in names and labels outright.
    await writeConfig(simUrl, { group: "main\u001b]2;owned\u0007", label: "half\u001b[5m" });
    const check = await runMimik(["config", "check", "--config", configPath], baseEnv());
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("must not contain control characters");
    expect(check.stdout + check.stderr).not.toContain("\u001b");
  });

  it("a reader that goes away ends `mimik log` and `mimik sim` quietly, without a stack trace", async () => {
    await writeConfig(simUrl);
    // A journal long enough to outlast the reader.
    const journal = journalPathFor(configPath);
    await mkdir(dirname(journal), { recursive: true });
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: "alert", seq: i }));
    await writeFile(journal, `${lines.join("\n")}\n`);
    const log = await pipedToHead(["log", "--json", "--config", configPath]);
    expect(log.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    const simOut = await pipedToHead(["sim", "--port", "0", "--always-open"], 1500);
    expect(simOut.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });
});

describe.runIf(process.getuid?.() === 0)("a socket folder squatted by another user", () => {
  it("is refused loudly: flatten never takes a stranger's answer", async () => {
    // With XDG_RUNTIME_DIR unset the socket lives in <tmp>/mimik-<uid>; another user made it first.
    const tmp = join(dir, "tmp");
    const squatted = join(tmp, `mimik-${process.getuid?.()}`);
    await mkdir(squatted, { recursive: true });
    await chmod(squatted, 0o777);
    await chown(squatted, 65534, 65534);
    await writeConfig("http://127.0.0.1:9");
    const env = { ...baseEnv(), XDG_RUNTIME_DIR: "", TMPDIR: tmp };
    const r = await runMimik(["flatten", "--all", "--yes", "--config", configPath], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`refusing the control socket folder ${squatted}`);
    expect(r.stdout).not.toContain("nothing to flatten");
  });
});

/** Runs mimik with stdout into a reader that takes a little and goes away (like `| head -n 1`). */
function pipedToHead(args: string[], keepMs = 0): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [mimikBin, ...args], {
      env: baseEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    proc.stdout.once("data", () => proc.stdout.destroy());
    const timer = keepMs > 0 ? setTimeout(() => proc.kill("SIGTERM"), keepMs) : undefined;
    proc.once("exit", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
