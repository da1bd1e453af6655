import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { mimikBin } from "../cli/dist.js";

/** A running `node dist/bin/mimik.js …` child with its output kept line by line. */
export interface Child {
  proc: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  lines(): string[];
  /** Resolves with the exit code (signal exits become 128 + n-ish: null code → -1). */
  exited: Promise<number>;
}

const children = new Set<Child>();

export function startMimik(args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, [mimikBin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  proc.stderr?.setEncoding("utf8").on("data", (c: string) => {
    err += c;
  });
  const exited = new Promise<number>((resolve) => proc.once("exit", (code) => resolve(code ?? -1)));
  const child: Child = {
    proc,
    pid: proc.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split("\n").filter((l) => l !== ""),
    exited,
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Kills every child still running (SIGKILL): for afterAll, even when a test failed midway. */
export async function killAll(): Promise<void> {
  const running = [...children];
  for (const c of running) c.proc.kill("SIGKILL");
  await Promise.all(running.map((c) => c.exited));
}

/** Runs a mimik command to completion. */
export function runMimik(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [mimikBin, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Polls until `check` returns a value (not undefined/false), or fails naming `what`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Resolves once a headless child says it is running; fails with its stderr if it exits first. */
export async function headlessRunning(child: Child, timeoutMs = 10_000): Promise<void> {
  await until(
    () => {
      if (child.proc.exitCode !== null) throw new Error(`headless exited early: ${child.stderr()}`);
      return jsonLines(child).some((l) => String(l.message).startsWith("mimik headless running"));
    },
    "headless running",
    timeoutMs,
  );
}

/** The JSON lines a headless child printed, parsed (non-JSON lines skipped). */
export function jsonLines(child: Child): Record<string, unknown>[] {
  const parsed: Record<string, unknown>[] = [];
  for (const line of child.lines()) {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === "object") parsed.push(value as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  }
  return parsed;
}

/** Socket inodes a process holds open (from /proc/<pid>/fd). */
export async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m?.[1]) inodes.add(m[1]);
  }
  return inodes;
}

/** TCP sockets in LISTEN state (st 0A) owned by a process, as local ports. */
export async function listeningTcpPorts(pid: number): Promise<number[]> {
  const inodes = await socketInodes(pid);
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    const text = await readFile(`/proc/${pid}/net/${table}`, "utf8").catch(() => "");
    for (const row of text.split("\n").slice(1)) {
      const cols = row.trim().split(/\s+/);
      const local = cols[1];
      const st = cols[3];
      const inode = cols[9];
      if (!local || st !== "0A" || !inode || !inodes.has(inode)) continue;
      ports.push(Number.parseInt(local.split(":")[1] ?? "", 16));
    }
  }
  return ports;
}

/**
 * `mimik sim` on a free port, in its own process, and its URL once it says it listens. Always
 * open: a test of copying must pass in the daily halt and at the weekend too, when the session's
 * market stands still and no order fills.
 */
export async function startSim(env: NodeJS.ProcessEnv): Promise<{ sim: Child; url: string }> {
  const sim = startMimik(["sim", "--port", "0", "--always-open"], env);
  const first = await until(() => sim.lines()[0], "the simulator's first line");
  return { sim, url: /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1] ?? "" };
}
