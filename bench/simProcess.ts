import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Scenario, SimStamps } from "../engine/sim/index.js";

/** A simulator child process (bench/simChild.ts), driven through its stdin. */
export interface SimProcess {
  url: string;
  pid: number;
  trade(account: string, symbol: string, action: "Buy" | "Sell", qty: number): void;
  /** COUNT alternating 1-lot trades, PER_TICK every TICK_MS; resolves when the child has placed them all. */
  burst(account: string, symbol: string, count: number, perTick: number, tickMs: number): Promise<void>;
  /** Order arrivals and fill sends the simulator stamped since the last call. */
  stamps(): Promise<SimStamps>;
  close(): Promise<void>;
}

export async function spawnSim(scenario: Scenario): Promise<SimProcess> {
  const dir = mkdtempSync(join(tmpdir(), "mimik-bench-"));
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(scenario));
  const script = fileURLToPath(new URL("./simChild.js", import.meta.url));
  const child = spawn(process.execPath, [script, file], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: Array<(line: string) => void> = [];
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
    let nl = text.indexOf("\n");
    while (nl >= 0) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      for (const l of [...lines]) l(line);
      nl = text.indexOf("\n");
    }
  });
  const nextLine = (match: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const onLine = (line: string) => {
        const m = match.exec(line);
        if (!m) return;
        lines.splice(lines.indexOf(onLine), 1);
        child.off("exit", onExit);
        resolve(m);
      };
      const onExit = (code: number | null) => reject(new Error(`simulator exited (code ${code})`));
      lines.push(onLine);
      child.once("exit", onExit);
    });
  const url = (await nextLine(/^listening on (\S+)/))[1] ?? "";
  const send = (line: string) => child.stdin?.write(`${line}\n`);
  return {
    url,
    pid: child.pid ?? 0,
    trade: (account, symbol, action, qty) => send(`trade ${account} ${symbol} ${action} ${qty}`),
    async burst(account, symbol, count, perTick, tickMs) {
      const done = nextLine(/^burst done/);
      send(`burst ${account} ${symbol} ${count} ${perTick} ${tickMs}`);
      await done;
    },
    async stamps() {
      const line = nextLine(/^stamps (.*)$/);
      send("stamps");
      return JSON.parse((await line)[1] ?? "{}") as SimStamps;
    },
    close: () => stopChild(child, dir),
  };
}

function stopChild(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.stdin?.end();
  });
}
