import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { connect, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { runtimeDir } from "../../data/paths.js";
import { controlSocketPath, sendControl } from "../../src/control/index.js";
import { mimikBin } from "../cli/dist.js";
import { killAll, runMimik, startSim, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";

/**
 * Nothing outside the copy path can stop it (issue 13 item 1, 7): `mimik headless` as a real
 * process whose stdout is a reader that never reads, a reader that goes away, a full disk, or a
 * terminal stopped with Ctrl+S, and whose control socket is flooded by a client that never reads.
 * In each case the leader's trades keep being copied, judged on the simulator's book.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;

const position = (account: string) => positionOn(simUrl, account);
const leaderTrade = (action: "Buy" | "Sell", qty: number) => leaderTradeOn(simUrl, action, qty);

/** Enough trades to fill any pipe or terminal buffer many times over; the leader ends at `end`. */
async function tradeBurst(count: number): Promise<number> {
  let leader = await position("DEMO1000");
  for (let i = 0; i < count; i++) {
    const action = leader > 0 ? "Sell" : "Buy";
    await leaderTrade(action, 1);
    leader += action === "Buy" ? 1 : -1;
    await new Promise((r) => setTimeout(r, 30));
  }
  return leader;
}

/** Every follower (×1, fixed 1) ends where the rule puts it, at the broker. */
async function followersAt(leader: number): Promise<void> {
  await until(
    async () => (await position("DEMO2001")) === leader && (await position("DEMO2002")) === Math.sign(leader),
    `followers at ${leader} and ${Math.sign(leader)}`,
    20_000,
  );
}

async function statusConnected(): Promise<void> {
  await until(async () => {
    const r = await runMimik(["status", "--json", "--config", configPath], env);
    return r.code === 0 && JSON.parse(r.stdout).connections?.[0]?.state === "connected";
  }, "the instance connected");
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-stalls-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_STALL_PASSWORD: "demo",
  };
  simUrl = (await startSim(env)).url;
  configPath = join(dir, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [
        { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_STALL_PASSWORD" } },
      ],
      accounts: ["DEMO1000", "DEMO2001", "DEMO2002"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [
            { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
            { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 } },
          ],
        },
      ],
    }),
  );
}, 20_000);

afterAll(async () => {
  await killAll();
  // The tmux test's headless (not a child of ours) may still be writing its last journal lines and
  // state as it stops on the tmux server's hangup: retry while the directory is still in use.
  await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
});

describe("nothing outside the copy path stops it", () => {
  let running: { proc: ReturnType<typeof spawn>; exited: Promise<number> } | undefined;
  afterEach(async () => {
    running?.proc.kill("SIGKILL");
    await running?.exited;
    running = undefined;
  });

  function headless(stdout: "pipe" | number, extra: NodeJS.ProcessEnv = {}): NonNullable<typeof running> {
    const proc = spawn(process.execPath, [mimikBin, "headless", "--config", configPath], {
      env: { ...env, ...extra },
      stdio: ["ignore", stdout, "pipe"],
    });
    const exited = new Promise<number>((resolve) => proc.once("exit", (code) => resolve(code ?? -1)));
    running = { proc, exited };
    return running;
  }

  it("a stdout reader that never reads: every trade is still copied, unread output stays bounded", async () => {
    // A FIFO held open by this process and not read: the kernel's 64 KB is all the room there is.
    // (A Node pipe here would read up to 80 KB more into its own buffer before it paused, which
    // left too little output unread to be sure any line was skipped.)
    const fifo = join(dir, "never-read");
    execFileSync("mkfifo", [fifo]);
    const fd = openSync(fifo, "r+");
    const child = headless(fd, { MIMIK_OUTPUT_BUFFER_BYTES: "4096" });
    await statusConnected();
    // About 140 KB of lines (a run here skipped 457 of them): well past the FIFO's 64 KB and
    // mimik's 4 KB.
    const leader = await tradeBurst(100);
    await followersAt(leader);
    expect(await rssMb(child.proc.pid ?? 0)).toBeLessThan(400);
    // Once read again, the output says how much it had to leave out instead of having queued it.
    let out = "";
    const reader = new Socket({ fd, readable: true, writable: false });
    onTestFinished(() => {
      reader.destroy();
    });
    reader.setEncoding("utf8").on("data", (c: string) => {
      out += c;
    });
    await until(
      () => /\d+ lines? skipped while the output was not being read/.test(out),
      "the skipped count",
    );
    // Still one JSON object a line, the count too: `mimik headless | jq` must not stop at it.
    const lines = out.slice(0, out.lastIndexOf("\n")).split("\n");
    const notJson = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  });

  it("a reader that goes away (| head): output ends quietly, copying goes on", async () => {
    const child = headless("pipe");
    let err = "";
    child.proc.stderr?.setEncoding("utf8").on("data", (c: string) => {
      err += c;
    });
    await statusConnected();
    child.proc.stdout?.destroy(); // the reader is gone: the next write gets EPIPE
    const leader = await tradeBurst(20);
    await followersAt(leader);
    expect(child.proc.exitCode).toBeNull();
    expect(err).not.toMatch(/EPIPE|Error:|at /);
  });

  it("stdout on a full disk (/dev/full): one clear message, copying goes on", async () => {
    const full = openSync("/dev/full", "w");
    const child = headless(full);
    closeSync(full);
    let err = "";
    child.proc.stderr?.setEncoding("utf8").on("data", (c: string) => {
      err += c;
    });
    await statusConnected();
    const leader = await tradeBurst(10);
    await followersAt(leader);
    expect(err).toContain("stdout failed (ENOSPC); copying goes on");
    expect(err.match(/stdout failed/g)).toHaveLength(1);
  });

  it("a control client that pipelines status and never reads: copying goes on, others are answered", async () => {
    const child = headless("pipe");
    child.proc.stdout?.resume();
    await statusConnected();
    const socketPath = controlSocketPath(await realpath(configPath), runtimeDir(env));
    const flood = connect(socketPath);
    flood.pause(); // never read a reply
    const line = `${JSON.stringify({ id: 1, cmd: "status" })}\n`;
    await new Promise<void>((resolve) => flood.once("connect", resolve));
    let sent = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 200 && flood.writable; i++) {
        flood.write(line);
        sent += 1;
      }
    }, 5);
    try {
      const leader = await tradeBurst(20);
      await followersAt(leader);
      // Another client is still served while the flood waits.
      const r = await runMimik(["status", "--json", "--config", configPath], env);
      expect(r.code, r.stderr).toBe(0);
      expect(sent).toBeGreaterThan(1000);
      expect(await rssMb(child.proc.pid ?? 0)).toBeLessThan(400);
    } finally {
      clearInterval(pump);
      flood.destroy();
    }
  });
});

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

describe.runIf(hasTmux)("a terminal stopped with Ctrl+S (tmux)", () => {
  const session = `mimik-stall-${process.pid}`;
  // The server's socket in the test's own folder: tmux 3.3 leaves it behind after kill-server, and
  // in its shared folder every run left one more.
  const server = () => join(dir, "tmux");
  const tmux = (...args: string[]) => execFileSync("tmux", ["-S", server(), ...args], { encoding: "utf8" });
  afterAll(() => {
    spawnSync("tmux", ["-S", server(), "kill-server"]);
  });

  it("headless --pretty in a paused pane: every trade is still copied; output resumes on Ctrl+Q", async () => {
    const vars = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "100",
      "-y",
      "20",
      `env -i ${vars} node ${mimikBin} headless --pretty --config ${configPath}; sleep 60`,
    );
    await statusConnected();
    tmux("send-keys", "-t", session, "C-s");
    const leader = await tradeBurst(60);
    await followersAt(leader);
    // The premise holds: the process's main thread is stuck in a terminal write, so it cannot even
    // answer its control socket; the copies above were made by the engine's own thread.
    const socketPath = controlSocketPath(await realpath(configPath), runtimeDir(env));
    await expect(sendControl(socketPath, { cmd: "status" }, { timeoutMs: 1500 })).rejects.toThrow(
      /did not answer/,
    );
    tmux("send-keys", "-t", session, "C-q");
    await until(() => tmux("capture-pane", "-p", "-t", session).includes("COPY"), "output resumed");
    await statusConnected();
    tmux("send-keys", "-t", session, "C-c");
  });

  // Two waits of up to 15 s each (the previous instance to stop, this one to stop) besides the
  // trades: more than the suite's 20 s on a loaded machine.
  it("the console in a paused pane: every trade is still copied", async () => {
    // One tmux server per test: a new session on a server still shutting down fails with "server
    // exited unexpectedly".
    const ui = `${session}-ui`;
    const uiServer = join(dir, "tmux-ui");
    const tmux = (...args: string[]) => execFileSync("tmux", ["-S", uiServer, ...args], { encoding: "utf8" });
    onTestFinished(() => {
      spawnSync("tmux", ["-S", uiServer, "kill-server"]);
    });
    // The previous test's headless may still be stopping after its Ctrl+C: the console would
    // find it holding the config's instance lock. Wait until no instance answers.
    await until(
      async () => (await runMimik(["status", "--config", configPath], env)).code !== 0,
      "the previous test's headless to stop",
      15_000,
    );
    const vars = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    tmux(
      "new-session",
      "-d",
      "-s",
      ui,
      "-x",
      "80",
      "-y",
      "24",
      `env -i ${vars} node ${mimikBin} --config ${configPath}; sleep 60`,
    );
    let pane = "";
    await until(() => {
      pane = tmux("capture-pane", "-p", "-t", ui);
      return pane.includes("Followers of main");
    }, "the console").catch((error: Error) => {
      throw new Error(`${error.message}; the pane shows:\n${pane}`);
    });
    await statusConnected();
    tmux("send-keys", "-t", ui, "C-s");
    const leader = await tradeBurst(60);
    await followersAt(leader);
    tmux("send-keys", "-t", ui, "C-q");
    tmux("send-keys", "-t", ui, "q");
    // Its shutdown still writes the journal and the state beside the config (the lock goes last):
    // the directory is removed only once it has ended.
    await until(
      async () => (await runMimik(["status", "--config", configPath], env)).code !== 0,
      "the console to stop",
      15_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the pane shows:\n${tmux("capture-pane", "-p", "-t", ui)}`);
    });
  }, 60_000);
});
