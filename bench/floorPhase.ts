/**
 * mimik against the floor (bench/floorCopier.ts), each as its own process on a fresh simulator
 * with the same scenario, timed by one outside observer: a third party that logs in both logins
 * and notes when each event reaches it.
 *
 * - End to end: the leader's fill seen → the last follower's fill seen, by the observer.
 * - Orders out: the simulator sent the leader's fill → the last follower order reached the
 *   simulator, both stamped by the simulator on the machine's monotonic clock. The broker is
 *   outside every copier, so this is the same measure for any of them.
 * - CPU per leader fill: the copier process's user + system time (every thread) over the measured
 *   rounds, divided by the rounds.
 * Rounds are sequential: the next leader trade goes once every follower's fill has been seen.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FLEET_ENV, FOLLOWER_USER, fleetConfig, fleetScenario, LEADER, LEADER_USER } from "./fleet.js";
import { spawnSim } from "./simProcess.js";
import { type Summary, summarise } from "./stats.js";
import { wireLogin } from "./wire.js";

/** "console": mimik's console (`mimik --config`, engine in its worker thread) in a pseudo-terminal. */
export type CopierKind = "mimik" | "console" | "floor";

export interface CopierResult {
  e2e: Summary;
  ordersOut: Summary;
  /** Milliseconds of CPU per leader fill. */
  cpuPerFill: number;
  /** Every sample, for pooling runs. */
  samples: { e2e: number[]; ordersOut: number[] };
}

const SYMBOL = "ESZ6";
/** Linux's clock ticks per second for /proc/<pid>/stat (sysconf(_SC_CLK_TCK) is 100 everywhere). */
const CLK_TCK = 100;

/** The copier's node process: for the console, the child of `script` that holds the terminal. */
function copierPid(kind: CopierKind, child: ChildProcess): number {
  const pid = child.pid ?? 0;
  if (kind !== "console") return pid;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ");
  return Number(children[0] ?? pid);
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are fields 14 and 15; after "pid (comm) " they are at 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/**
 * BENCH_PROFILE=<folder>: headless mimik writes V8 CPU profiles (one per thread) there, for
 * finding where the copy path's time goes; off by default, as profiling slows what it measures.
 */
function profileArgs(): string[] {
  const folder = process.env.BENCH_PROFILE;
  return folder ? ["--cpu-prof", `--cpu-prof-dir=${folder}`] : [];
}

/** Starts the copier as a child process and resolves once it is ready to copy. */
async function startCopier(kind: CopierKind, followers: number, simUrl: string, dir: string) {
  const bench = fileURLToPath(new URL(".", import.meta.url));
  let child: ChildProcess;
  let ready: RegExp;
  if (kind === "floor") {
    child = spawn(
      process.execPath,
      [
        join(bench, "floorCopier.js"),
        simUrl,
        LEADER_USER,
        FLEET_ENV.MIMIK_FLEET_LEAD ?? "",
        FOLLOWER_USER,
        FLEET_ENV.MIMIK_FLEET_COPY ?? "",
        LEADER,
      ],
      { stdio: ["pipe", "pipe", "inherit"], env: { PATH: process.env.PATH, FLOOR_SYMBOL: SYMBOL } },
    );
    ready = /^ready$/m;
  } else {
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify(fleetConfig({ followers }, simUrl)));
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_RUNTIME_DIR: join(dir, "run"),
      XDG_CONFIG_HOME: join(dir, "cfg"),
      ...FLEET_ENV,
    };
    const bin = join(bench, "..", "bin", "mimik.js");
    if (kind === "console") {
      // util-linux `script` gives the console a real pseudo-terminal (120×40) whose output is
      // read as fast as it comes, like a terminal emulator that keeps up.
      const command = `stty cols 120 rows 40; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --config ${JSON.stringify(config)}`;
      child = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "inherit"], env });
      ready = /conn 2\/2 up/;
    } else {
      child = spawn(process.execPath, [...profileArgs(), bin, "headless", "--config", config], {
        stdio: ["pipe", "pipe", "inherit"],
        env,
      });
      ready = /mimik headless running/;
    }
  }
  // The copier's output is read (and dropped) as fast as it comes, like a terminal that keeps up.
  let text = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      // The tail only, without terminal escapes: the console redraws whole frames.
      text = (text + chunk.toString("utf8")).slice(-(1 << 16));
      if (ready.test(text.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, ""))) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`${kind} copier exited (code ${code}) before it was ready`)),
    );
  });
  return child;
}

export async function measureCopier(
  kind: CopierKind,
  followers: number,
  plan: { warmup: number; rounds: number },
): Promise<CopierResult> {
  const dir = mkdtempSync(join(tmpdir(), `mimik-floor-${kind}-`));
  const sim = await spawnSim(fleetScenario({ followers }));
  let copier: ChildProcess | undefined;
  const logins: { close(): void }[] = [];
  try {
    copier = await startCopier(kind, followers, sim.url, dir);
    const pid = copierPid(kind, copier);
    // The observer: every follower's order and fill, and the leader's fills, as they reach it.
    let leaderAt = 0;
    let fills = 0;
    let lastFillAt = 0;
    let roundDone: () => void = () => undefined;
    const rest = `${sim.url}/v1`;
    const ws = `${sim.url.replace(/^http/, "ws")}/v1/websocket`;
    logins.push(
      await wireLogin(rest, ws, FOLLOWER_USER, FLEET_ENV.MIMIK_FLEET_COPY ?? "", (e, at) => {
        if (e.eventType !== "Created" || e.entityType !== "fill") return;
        fills += 1;
        lastFillAt = at;
        if (fills === followers) roundDone();
      }),
    );
    logins.push(
      await wireLogin(rest, ws, LEADER_USER, FLEET_ENV.MIMIK_FLEET_LEAD ?? "", (e, at) => {
        if (e.entityType === "fill" && e.eventType === "Created") leaderAt = at;
      }),
    );
    const e2e: number[] = [];
    const out: number[] = [];
    let cpuStart = 0;
    for (let round = 0; round < plan.warmup + plan.rounds; round++) {
      if (round === plan.warmup) cpuStart = cpuMs(pid);
      fills = 0;
      await sim.stamps(); // what the last round left behind
      const done = new Promise<void>((resolve, reject) => {
        roundDone = resolve;
        setTimeout(() => reject(new Error(`${kind}: round ${round} not copied within 10 s`)), 10_000).unref();
      });
      sim.trade(LEADER, SYMBOL, round % 2 === 0 ? "Buy" : "Sell", 1);
      await done;
      if (round < plan.warmup) continue;
      e2e.push(lastFillAt - leaderAt);
      // The round's first stamped fill is the leader's: no follower order can come before it.
      const stamps = await sim.stamps();
      const leaderSent = stamps.fills[0]?.at;
      const lastOrder = Math.max(...stamps.orders.map((o) => o.at));
      if (leaderSent !== undefined && stamps.orders.length === followers)
        out.push((lastOrder - leaderSent) / 1e6);
    }
    const cpuPerFill = (cpuMs(pid) - cpuStart) / plan.rounds;
    return { e2e: summarise(e2e), ordersOut: summarise(out), cpuPerFill, samples: { e2e, ordersOut: out } };
  } finally {
    for (const l of logins) l.close();
    if (copier) await stop(copier, kind === "console" ? copierPid(kind, copier) : undefined);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Stops the copier; the console is stopped by signalling its node process (inner), not `script`. */
function stop(child: ChildProcess, inner?: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      if (inner !== undefined) process.kill(inner, "SIGKILL");
      child.kill("SIGKILL");
    }, 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    if (inner !== undefined) process.kill(inner, "SIGTERM");
    else {
      child.stdin?.end();
      child.kill("SIGTERM");
    }
  });
}
