/**
 * `npm run bench` (table) / `npm run bench -- --json` (one JSON document): mimik's copy latency,
 * measured end to end on loopback, for 1, 20 and 200 followers. Numbers, not assertions: nothing
 * here fails on a slow machine, and the test suite never looks at these results.
 *
 * Method
 * - The simulator runs in a child process (bench/simChild.ts) on 127.0.0.1, as Tradovate would be
 *   another machine: the engine's process does not pay for the broker's work. It places leader
 *   trades itself (commands on its stdin), so triggering a trade costs the measured process nothing.
 * - The engine is the production one: real client sessions (src/process/sessions.ts), one login
 *   for the leader and another for the followers, the copier/risk/gateway (engine/runtime/engine.ts)
 *   the runtime state file and a journal writer on temp files, as headless mimik runs; the fill
 *   ledger is in memory. Followers copy with multiplier 1; the leader trades 1 lot ESZ6, alternating sides,
 *   so every leader fill makes one order per follower.
 * - Probes (bench/probe.ts) sit outside the engine: the leader session's fill events carry the
 *   frame receipt time (FillEvent.receivedAt, performance.now() in the socket handler), and each
 *   follower order's OrderResult.writtenAt is the time its frame was handed to the socket.
 * - Internal copy latency, per leader fill: max over followers of (writtenAt − receivedAt), i.e.
 *   leader fill frame received → last follower order frame written. Sequential rounds: the next
 *   leader trade starts once every follower's fill has come back. Warm-up rounds are discarded.
 * - End to end, per follower fill: leader fill frame received → that follower's fill frame
 *   received ("last" = the slowest follower of each leader fill). Direct round trip on the same
 *   simulator and socket: an order placed straight through the follower session (no engine) →
 *   its own fill frame received. Ratio = end to end ÷ direct, at p50 and p99 (1.0 is the floor).
 * - Console: the engine runs in a worker thread, so the console can never block a copy; it can
 *   still take CPU from it. The real console process (`mimik --config`, Ink at 12 frames/s in a
 *   120×40 pseudo-terminal from util-linux `script`) against `mimik headless`, 20 followers,
 *   each on a fresh simulator, timed from outside as for the floor (bench/floorPhase.ts), in
 *   two runs each in ABBA order, samples pooled: end to end, orders out and CPU, console ÷ headless.
 * - RSS: 1 follower, 100 000 leader fills placed by the simulator as fast as it can (100 per 10 ms),
 *   all through the real client (so the broker model's caches count), with the UI's EngineStore
 *   attached; RSS of the engine process after a full GC at once, and again once V8 has given
 *   back on its own the pages the burst grew its heap into (settled: some 30-45 s later).
 * - First frame: `mimik --demo` in a detached tmux pane; the pane's shell told to start it → tmux
 *   reads the first frame (its Groups pane) from the pane (bench/firstFrame.ts), beside a node that only prints.
 * Percentiles are nearest-rank over every sample kept. Whole run: about 3-4 minutes on 2 cores.
 */
import { execFile } from "node:child_process";
import { arch, cpus, platform, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { type FirstFrames, startsToFirstFrame } from "./firstFrame.js";
import { type CopierResult, floorTypes, measureCopier, pooledRuns } from "./floorPhase.js";
import type { MemoryResult } from "./memory.js";
import { copyRounds, directRoundTrips, type FleetRun, startFleet } from "./phases.js";
import { ratio, type Summary } from "./stats.js";

interface FleetResult {
  followers: number;
  copy: Summary;
  e2e: Summary;
  e2eLast: Summary;
  direct: Summary;
  ratioP50: number;
  ratioP99: number;
}

/** Starts of the console timed to its first frame; the median is the figure. */
const FIRST_FRAME_STARTS = 7;

/** Rounds per fleet size: enough that p99 rests on ≥ 4 samples above it. */
const PLAN = [
  { followers: 1, warmup: 200, rounds: 2000, direct: 1000 },
  { followers: 20, warmup: 100, rounds: 1000, direct: 500 },
  { followers: 200, warmup: 100, rounds: 400, direct: 300 },
];

async function withFleet<T>(followers: number, work: (run: FleetRun) => Promise<T>): Promise<T> {
  const run = await startFleet(followers);
  try {
    return await work(run);
  } finally {
    await run.close();
  }
}

function progress(line: string, json: boolean): void {
  if (!json) process.stderr.write(`… ${line}\n`);
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  // --quick: a tenth of the samples and 10 000 fills for RSS; a smoke run, not numbers to publish.
  const quick = process.argv.includes("--quick");
  const scale = (n: number) => (quick ? Math.max(10, Math.round(n / 10)) : n);
  // --followers=200: only that fleet size, and no UI/RSS/first-frame phases (for profiling).
  const only = Number(process.argv.find((a) => a.startsWith("--followers="))?.split("=")[1] ?? Number.NaN);
  const plan = Number.isNaN(only) ? PLAN : PLAN.filter((p) => p.followers === only);
  const started = performance.now();
  const fleets: FleetResult[] = [];
  for (const step of plan) {
    progress(`${step.followers} follower(s)`, json);
    fleets.push(
      await withFleet(step.followers, async (run) => {
        const direct = await directRoundTrips(run, 50, scale(step.direct));
        const rounds = await copyRounds(run, scale(step.warmup), scale(step.rounds));
        return {
          followers: step.followers,
          ...rounds,
          direct,
          ratioP50: ratio(rounds.e2e.p50, direct.p50),
          ratioP99: ratio(rounds.e2e.p99, direct.p99),
        };
      }),
    );
  }

  const floors: FloorResult[] = [];
  for (const step of FLOOR_PLAN.filter((p) => Number.isNaN(only) || p.followers === only)) {
    progress(`mimik against the floor, ${step.followers} follower(s)`, json);
    const rounds = { warmup: scale(step.warmup), rounds: scale(step.rounds) };
    const runs: Record<"floor" | "mimik", CopierResult[]> = { floor: [], mimik: [] };
    for (const kind of ["floor", "mimik", "mimik", "floor"] as const)
      runs[kind].push(await measureCopier(kind, step.followers, rounds));
    const floor = pooledRuns(runs.floor);
    const mimik = pooledRuns(runs.mimik);
    floors.push({
      followers: step.followers,
      mimik,
      floor,
      e2eRatio: ratio(mimik.e2e.p50, floor.e2e.p50),
      ordersOutRatio: ratio(mimik.ordersOut.p50, floor.ordersOut.p50),
      cpuRatio: ratio(mimik.cpuPerFill, floor.cpuPerFill),
    });
  }

  const full = Number.isNaN(only);
  const ui = full ? await measureConsole(scale, json) : undefined;
  progress("start to first frame", json);
  const firstFrame = full ? await startsToFirstFrame(FIRST_FRAME_STARTS) : undefined;
  progress("RSS after 100 000 leader fills (own process)", json);
  const memory = full ? await memoryInChild(quick ? 10_000 : 100_000) : undefined;

  const result = {
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${arch()}`,
      node: process.version,
    },
    fleets,
    floors,
    ui,
    firstFrame,
    memory,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : table(result));
}

const f = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(2)) : "–");

/** The console process against headless: two runs each in ABBA order, samples pooled (pooledRuns). */
async function measureConsole(scale: (n: number) => number, json: boolean): Promise<UiResult> {
  progress("the console process vs headless, 20 followers", json);
  const rounds = { warmup: scale(150), rounds: scale(150) };
  const runs: Record<"mimik" | "console", CopierResult[]> = { mimik: [], console: [] };
  for (const kind of ["mimik", "console", "console", "mimik"] as const)
    runs[kind].push(await measureCopier(kind, 20, rounds));
  const headless = pooledRuns(runs.mimik);
  const ui = pooledRuns(runs.console);
  return {
    headless,
    ui,
    e2eRatioP50: ratio(ui.e2e.p50, headless.e2e.p50),
    e2eRatioP99: ratio(ui.e2e.p99, headless.e2e.p99),
    outRatioP50: ratio(ui.ordersOut.p50, headless.ordersOut.p50),
    cpuRatio: ratio(ui.cpuPerFill, headless.cpuPerFill),
  };
}

/** RSS is measured in a fresh process, so earlier phases' heap growth does not count. */
function memoryInChild(fills: number): Promise<MemoryResult> {
  const script = fileURLToPath(new URL("./memoryChild.js", import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, String(fills)], { timeout: 300_000 }, (error, stdout) => {
      if (error) return reject(error);
      try {
        resolve(JSON.parse(stdout) as MemoryResult);
      } catch {
        reject(new Error(`memory run printed no result: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/**
 * Leader fills per fleet size for the floor comparison (each copier on a fresh simulator). As
 * many warm-up fills as measured ones: both copiers are measured as they run all day, compiled.
 * With 10-50 warm-up fills V8's compiler threads were still busy with mimik (2.4 ms of 7.7 per
 * fill at 20 followers, against 0.8 of 5.4 after 600), and every figure carried some of it.
 */
const FLOOR_PLAN = [
  { followers: 1, warmup: 500, rounds: 500 },
  { followers: 20, warmup: 300, rounds: 300 },
  { followers: 200, warmup: 100, rounds: 100 },
];

interface FloorResult {
  followers: number;
  mimik: CopierResult;
  floor: CopierResult;
  e2eRatio: number;
  ordersOutRatio: number;
  cpuRatio: number;
}

interface UiResult {
  headless: { e2e: Summary; ordersOut: Summary; cpuPerFill: number };
  ui: { e2e: Summary; ordersOut: Summary; cpuPerFill: number };
  e2eRatioP50: number;
  e2eRatioP99: number;
  outRatioP50: number;
  cpuRatio: number;
}

function table(r: {
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string };
  fleets: FleetResult[];
  floors: FloorResult[];
  ui: UiResult | undefined;
  firstFrame: FirstFrames | { skipped: string } | undefined;
  memory: MemoryResult | undefined;
  seconds: number;
}): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`mimik bench — ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`);
  lines.push("");
  lines.push("Internal copy latency (leader fill frame received → last follower order frame written), ms");
  lines.push(row(["followers", "fills", "p50", "p90", "p99", "max", "target p99"]));
  for (const x of r.fleets) {
    const goal = x.followers === 20 ? "≤ 0.5" : x.followers === 200 ? "≤ 2" : "";
    lines.push(
      row([
        String(x.followers),
        String(x.copy.n),
        f(x.copy.p50),
        f(x.copy.p90),
        f(x.copy.p99),
        f(x.copy.max),
        goal,
      ]),
    );
  }
  lines.push("");
  lines.push(
    "End to end (leader fill → follower fill) vs one direct order round trip on the same simulator, ms",
  );
  lines.push(
    row([
      "followers",
      "e2e p50",
      "e2e p99",
      "last p99",
      "direct p50",
      "direct p99",
      "ratio p50",
      "ratio p99",
    ]),
  );
  for (const x of r.fleets) {
    lines.push(
      row([
        String(x.followers),
        f(x.e2e.p50),
        f(x.e2e.p99),
        f(x.e2eLast.p99),
        f(x.direct.p50),
        f(x.direct.p99),
        f(x.ratioP50),
        f(x.ratioP99),
      ]),
    );
  }
  lines.push("(target: ratio p50 ≤ 1.3; 'last' = the slowest follower of each leader fill)");
  lines.push("");
  if (r.floors.length > 0) {
    lines.push(
      "mimik ÷ the floor (a copier doing only the wire work), each its own process, timed from outside",
    );
    if (floorTypes().FLOOR_ENTITY_TYPES)
      lines.push("(BENCH_FLOOR_TYPES=mimik: the floor syncs the entity types mimik reads, not its own six)");
    lines.push(
      row([
        "followers",
        "e2e p50",
        "floor",
        "ratio",
        "out p50",
        "floor",
        "ratio",
        "cpu/fill",
        "floor",
        "ratio",
      ]),
    );
    for (const x of r.floors)
      lines.push(
        row([
          String(x.followers),
          f(x.mimik.e2e.p50),
          f(x.floor.e2e.p50),
          f(x.e2eRatio),
          f(x.mimik.ordersOut.p50),
          f(x.floor.ordersOut.p50),
          f(x.ordersOutRatio),
          f(x.mimik.cpuPerFill),
          f(x.floor.cpuPerFill),
          f(x.cpuRatio),
        ]),
      );
    lines.push("(targets: e2e ratio ≤ 1.15, orders-out ratio ≤ 1.5, CPU ratio ≤ 2; times in ms)");
    lines.push(
      "CPU per leader fill by thread, ms (helpers: V8's compiler and GC threads, libuv's file threads)",
    );
    lines.push(row(["followers", "copier", "main", "engine", "helpers"]));
    for (const x of r.floors)
      for (const [name, c] of [
        ["mimik", x.mimik],
        ["floor", x.floor],
      ] as const)
        lines.push(
          row([
            String(x.followers),
            name,
            f(c.cpuByThread.main),
            f(c.cpuByThread.engine),
            f(c.cpuByThread.helpers),
          ]),
        );
    lines.push("");
  }
  const u = r.ui;
  if (u) {
    lines.push(
      "The console process (engine in its worker thread) vs headless, 20 followers, timed from outside",
    );
    lines.push(row(["", "e2e p50", "e2e p99", "out p50", "out p99", "cpu/fill"]));
    for (const [name, x] of [
      ["headless", u.headless],
      ["console", u.ui],
    ] as const)
      lines.push(
        row([name, f(x.e2e.p50), f(x.e2e.p99), f(x.ordersOut.p50), f(x.ordersOut.p99), f(x.cpuPerFill)]),
      );
    lines.push(
      `console ÷ headless: e2e p50 ${f(u.e2eRatioP50)}, p99 ${f(u.e2eRatioP99)}; orders out p50 ${f(u.outRatioP50)}; CPU ${f(u.cpuRatio)} (target ≤ 1.1)`,
    );
    lines.push("");
  }
  const ff = r.firstFrame;
  if (ff)
    lines.push(
      "median" in ff
        ? `Start to first frame (mimik --demo in tmux): median ${ff.median} ms of ${ff.runs.length} starts (${ff.runs.join(", ")}; target < 500); a node that only prints, the same way: median ${ff.bareNode.median} ms (${ff.bareNode.runs.join(", ")})`
        : `Start to first frame: skipped: ${ff.skipped}`,
    );
  const mem = r.memory;
  if (mem)
    lines.push(
      `RSS after ${mem.fills} leader fills (${mem.seconds} s): ${mem.rssAfterMb} MB at once, ${mem.rssSettledMb} MB settled (V8 gave back the burst's pages ${mem.settledAfterS} s later, no GC forced; was ${mem.rssBeforeMb} MB; heap ${mem.heapAfterMb} MB; target < 150)`,
    );
  lines.push(`Whole run: ${r.seconds} s`);
  return `${lines.join("\n")}\n`;
}

function row(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(11))).join("");
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
