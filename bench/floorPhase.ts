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
 *
 * The observer asks for fills alone, a choice of entity types neither copier makes: the simulator
 * builds one set of frames per distinct choice, so an observer asking what the floor asks shared
 * the floor's frames and spared the simulator half its writing in the floor's run only (at 200
 * followers that read as mimik's end to end ÷ the floor 1.50-1.66 against 1.09-1.17). Both runs
 * now pay the same for it. BENCH_OBSERVER=floor measures the old way, for comparison.
 *
 * BENCH_FLOOR_TYPES=mimik: the floor syncs the entity types mimik reads (engine/broker/
 * syncRequest.ts, §11) instead of its own six, so the gap splits into what the wire costs any
 * client that reads rejects, working orders and fills as mimik must, and what mimik adds to it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SYNC_ENTITY_TYPES } from "../engine/broker/syncRequest.js";
import { FLEET_ENV, FOLLOWER_USER, fleetConfig, fleetScenario, LEADER, LEADER_USER } from "./fleet.js";
import { spawnSim } from "./simProcess.js";
import { type Summary, summarise } from "./stats.js";
import { FLOOR_ENTITY_TYPES, wireLogin } from "./wire.js";

/** "console": mimik's console (`mimik --config`, engine in its worker thread) in a pseudo-terminal. */
export type CopierKind = "mimik" | "console" | "floor";

export interface CopierResult {
  e2e: Summary;
  ordersOut: Summary;
  /** Milliseconds of CPU per leader fill. */
  cpuPerFill: number;
  /** The same by thread: see threadCpuMs. */
  cpuByThread: ThreadCpu;
  /** Every sample, for pooling runs. */
  samples: { e2e: number[]; ordersOut: number[] };
}

const SYMBOL = "ESZ6";
/** What the observer reads, and no copier asks for alone (see the top of this file). */
const OBSERVER_ENTITY_TYPES = ["fill"];
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
  return ticksMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** utime + stime of a /proc stat line, in ms. */
function ticksMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  // utime and stime are fields 14 and 15; after "pid (comm) " they are at 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/**
 * CPU by thread: the main thread; the engine's (mimik's worker threads carry the process's name);
 * and Node's own helpers, all named "node": V8's (JIT compiling, GC) and libuv's file threads.
 * A V8 profile cannot tell these apart: it samples wall time, one thread at a time.
 */
export interface ThreadCpu {
  main: number;
  engine: number;
  helpers: number;
}

function threadCpuMs(pid: number): ThreadCpu {
  const out: ThreadCpu = { main: 0, engine: 0, helpers: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // ended between the listing and the read
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const ms = ticksMs(stat);
    if (Number(tid) === pid) out.main += ms;
    else if (name === "node") out.helpers += ms;
    else out.engine += ms;
  }
  return out;
}

/**
 * Node options for the headless copier, for finding where its time goes; none by default, as
 * they change what they measure. BENCH_PROFILE=<folder>: a V8 CPU profile of each thread there.
 * BENCH_NODE_ARGS="--single-threaded-gc …": any other options of node's.
 */
function profileArgs(): string[] {
  const folder = process.env.BENCH_PROFILE;
  const extra = process.env.BENCH_NODE_ARGS?.split(" ").filter((a) => a !== "") ?? [];
  return [...(folder ? ["--cpu-prof", `--cpu-prof-dir=${folder}`] : []), ...extra];
}

/** What the floor syncs: its own six types, or mimik's with BENCH_FLOOR_TYPES=mimik. */
export function floorTypes(): { FLOOR_ENTITY_TYPES?: string } {
  return process.env.BENCH_FLOOR_TYPES === "mimik" ? { FLOOR_ENTITY_TYPES: SYNC_ENTITY_TYPES.join(",") } : {};
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
      {
        stdio: ["pipe", "pipe", "inherit"],
        env: { PATH: process.env.PATH, FLOOR_SYMBOL: SYMBOL, ...floorTypes() },
      },
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
  // The copier's output is read as fast as it comes, like a terminal that keeps up. Until it is
  // ready its tail is searched for the ready line; after that it is dropped unread, so reading
  // it costs the observer's process next to nothing (mimik headless writes some 130 KB of lines
  // a leader fill at 200 followers, and the floor nothing).
  let text = "";
  await new Promise<void>((resolve, reject) => {
    const watch = (chunk: Buffer) => {
      // The tail only, without terminal escapes: the console redraws whole frames.
      text = (text + chunk.toString("utf8")).slice(-(1 << 16));
      if (!ready.test(text.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, ""))) return;
      child.stdout?.off("data", watch).on("data", drop);
      resolve();
    };
    child.stdout?.on("data", watch);
    child.once("exit", (code) =>
      reject(new Error(`${kind} copier exited (code ${code}) before it was ready`)),
    );
  });
  return child;
}

/** The copier's output once it is ready: read and dropped. */
const drop = (): void => undefined;

/**
 * Several runs of one copier as one: every sample pooled, CPU averaged. Runs alternate with the
 * copier compared against (ABBA), so a machine that gets busier or quieter meanwhile weighs on
 * both alike; a single run each let the floor's CPU per fill double between two full runs.
 */
export function pooledRuns(runs: readonly CopierResult[]): CopierResult {
  const mean = (pick: (r: CopierResult) => number) => runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  const e2e = runs.flatMap((r) => r.samples.e2e);
  const ordersOut = runs.flatMap((r) => r.samples.ordersOut);
  return {
    e2e: summarise(e2e),
    ordersOut: summarise(ordersOut),
    cpuPerFill: mean((r) => r.cpuPerFill),
    cpuByThread: {
      main: mean((r) => r.cpuByThread.main),
      engine: mean((r) => r.cpuByThread.engine),
      helpers: mean((r) => r.cpuByThread.helpers),
    },
    samples: { e2e, ordersOut },
  };
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
    // The observer: every follower's fill, and the leader's fills, as they reach it.
    const observe = process.env.BENCH_OBSERVER === "floor" ? FLOOR_ENTITY_TYPES : OBSERVER_ENTITY_TYPES;
    let leaderAt = 0;
    let fills = 0;
    let lastFillAt = 0;
    let roundDone: () => void = () => undefined;
    const rest = `${sim.url}/v1`;
    const ws = `${sim.url.replace(/^http/, "ws")}/v1/websocket`;
    const observeFills = (user: string, password: string, onFill: (at: number) => void) =>
      wireLogin(
        rest,
        ws,
        user,
        password,
        (e, at) => {
          if (e.entityType === "fill" && e.eventType === "Created") onFill(at);
        },
        observe,
      );
    logins.push(
      await observeFills(FOLLOWER_USER, FLEET_ENV.MIMIK_FLEET_COPY ?? "", (at) => {
        fills += 1;
        lastFillAt = at;
        if (fills === followers) roundDone();
      }),
    );
    logins.push(
      await observeFills(LEADER_USER, FLEET_ENV.MIMIK_FLEET_LEAD ?? "", (at) => {
        leaderAt = at;
      }),
    );
    const e2e: number[] = [];
    const out: number[] = [];
    let cpuStart = 0;
    let threadsStart: ThreadCpu = { main: 0, engine: 0, helpers: 0 };
    for (let round = 0; round < plan.warmup + plan.rounds; round++) {
      if (round === plan.warmup) {
        cpuStart = cpuMs(pid);
        threadsStart = threadCpuMs(pid);
      }
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
    const threadsEnd = threadCpuMs(pid);
    const cpuByThread: ThreadCpu = {
      main: (threadsEnd.main - threadsStart.main) / plan.rounds,
      engine: (threadsEnd.engine - threadsStart.engine) / plan.rounds,
      helpers: (threadsEnd.helpers - threadsStart.helpers) / plan.rounds,
    };
    return {
      e2e: summarise(e2e),
      ordersOut: summarise(out),
      cpuPerFill,
      cpuByThread,
      samples: { e2e, ordersOut: out },
    };
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
