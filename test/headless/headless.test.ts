import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalPathFor } from "../../data/journal/index.js";
import {
  type Child,
  headlessRunning,
  jsonLines,
  killAll,
  listeningTcpPorts,
  runMimik,
  startMimik,
  startSim,
  until,
} from "./children.js";

/**
 * The real executables, end to end: `mimik sim` and `mimik headless` as child processes, and the
 * control commands from other processes, in a temp dir with its own runtime and config dirs.
 * The steps build on each other (one copier's life: copy, control, kill -9, restart, audit).
 */

interface SimRecords {
  orders: { accountName: string; clOrdId?: string; isAutomated: boolean; status: string }[];
  positions: { accountName: string; contract: string; netPos: number }[];
}

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;
let sim: Child;
let headless: Child;

async function records(): Promise<SimRecords> {
  const res = await fetch(`${simUrl}/sim/records`);
  return (await res.json()) as SimRecords;
}

async function position(account: string, contract = "ESZ6"): Promise<number> {
  const r = await records();
  return r.positions.find((p) => p.accountName === account && p.contract === contract)?.netPos ?? 0;
}

async function leaderTrade(action: "Buy" | "Sell", qty: number): Promise<void> {
  const res = await fetch(`${simUrl}/sim/trade`, {
    method: "POST",
    body: JSON.stringify({ account: "DEMO1000", symbol: "ESZ6", action, qty }),
  });
  expect(res.status).toBe(200);
}

function startHeadless(): Child {
  return startMimik(["headless", "--config", configPath], env);
}

/** Waits until the headless child is up (boot waits for the first login) and its connection is synced. */
async function connected(child: Child): Promise<void> {
  await headlessRunning(child);
  const status = await statusJson();
  expect(status.connections).toEqual([expect.objectContaining({ name: "sim", state: "connected" })]);
}

interface StatusFollower {
  account: string;
  state: string;
  reason?: string;
  positions: { contract: string; netPos: number }[];
}

async function statusJson(): Promise<{
  pid: number;
  connections: { name: string; state: string }[];
  groups: { followers: StatusFollower[] }[];
}> {
  const r = await runMimik(["status", "--json", "--config", configPath], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const automated = (r: SimRecords) => r.orders.filter((o) => o.isAutomated);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-headless-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
  };
  ({ sim, url: simUrl } = await startSim(env));
  expect(simUrl).not.toBe("");
  configPath = join(dir, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [
        { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
      ],
      accounts: ["DEMO1000", "DEMO2001", "DEMO2002", "DEMO2003"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [
            { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
            { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 } },
            { account: "DEMO2003", sizing: { mode: "multiplier", value: 0.5 } },
          ],
        },
      ],
    }),
  );
  headless = startHeadless();
  await connected(headless);
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("mimik headless and the control commands, as real processes", () => {
  it("copies a leader trade to every follower at the broker and prints JSON lines", async () => {
    await leaderTrade("Buy", 2);
    await until(
      async () =>
        (await position("DEMO2001")) === 2 &&
        (await position("DEMO2002")) === 1 &&
        (await position("DEMO2003")) === 1,
      "follower positions +2, +1, +1",
    );
    const lines = await until(() => {
      const all = jsonLines(headless);
      return all.filter((l) => l.type === "copy" && l.outcome === "filled").length >= 3 && all;
    }, "three filled copies on stdout");
    const fill = lines.find((l) => l.type === "leaderFill");
    expect(fill).toMatchObject({ leader: "DEMO1000", contract: "ESZ6", side: "Buy", qty: 2 });
    const filled = lines.filter((l) => l.type === "copy" && l.outcome === "filled");
    expect(filled.map((l) => [l.follower, l.qty, l.fillId]).sort()).toEqual([
      ["DEMO2001", 2, fill?.fillId],
      ["DEMO2002", 1, fill?.fillId],
      ["DEMO2003", 1, fill?.fillId],
    ]);
    expect(await position("DEMO1000")).toBe(2);
  });

  it("mimik status --json from another process reports the running instance", async () => {
    const status = await statusJson();
    expect(status.pid).toBe(headless.pid);
    const followers = status.groups[0]?.followers ?? [];
    expect(followers.map((f) => [f.account, f.state, f.positions])).toEqual([
      ["DEMO2001", "ACTIVE", [{ contract: "ESZ6", netPos: 2 }]],
      ["DEMO2002", "ACTIVE", [{ contract: "ESZ6", netPos: 1 }]],
      ["DEMO2003", "ACTIVE", [{ contract: "ESZ6", netPos: 1 }]],
    ]);
    const readable = await runMimik(["status", "--config", configPath], env);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(/DEMO2001\s+ACTIVE\s+day \S+\s+ESZ6 \+2/);
  });

  it("the control socket is mode 0600 and the headless process listens on no TCP port", async () => {
    const socketLine = jsonLines(headless).find(
      (l) => typeof l.message === "string" && l.message.includes("control socket"),
    );
    const socketPath = /control socket (\S+)$/.exec(String(socketLine?.message))?.[1] ?? "";
    expect(socketPath.startsWith(join(dir, "run"))).toBe(true);
    const st = await stat(socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await listeningTcpPorts(headless.pid)).toEqual([]);
    // The same probe does see the simulator's own listener, so an empty list above means something.
    expect(await listeningTcpPorts(sim.pid)).toEqual([Number(new URL(simUrl).port)]);
  });

  it.runIf(process.platform === "linux")(
    "its main thread runs ten nice steps below the engine's thread, which keeps the priority it started with",
    async () => {
      const niceOf = async (tid: string) => {
        const stat = await readFile(`/proc/${headless.pid}/task/${tid}/stat`, "utf8");
        // Fields after the command name "(…)": state is the 3rd field, nice the 19th.
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      };
      const started = getPriority(0); // a child starts at its parent's nice value
      const threads = (await readdir(`/proc/${headless.pid}/task`)).filter((t) => t !== String(headless.pid));
      const others = await Promise.all(threads.map(niceOf));
      expect(await niceOf(String(headless.pid))).toBe(Math.min(19, started + 10));
      expect(others.length).toBeGreaterThan(1);
      expect(others.every((n) => n === started)).toBe(true);
    },
  );

  it("a second instance for the same config refuses to start and names the running pid", async () => {
    const second = await runMimik(["headless", "--config", configPath], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${headless.pid}`);
  });

  it("flatten --follower DEMO2001 --yes flattens and locks it at the broker; the instance shows LOCKED", async () => {
    const r = await runMimik(["flatten", "--follower", "DEMO2001", "--yes", "--config", configPath], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+DEMO2001\s+flat; locked/m);
    expect(await position("DEMO2001")).toBe(0);
    expect(await position("DEMO1000")).toBe(2);
    expect(await position("DEMO2002")).toBe(1);
    const status = await statusJson();
    const f = status.groups[0]?.followers.find((x) => x.account === "DEMO2001");
    expect(f).toMatchObject({ state: "LOCKED", positions: [] });
  });

  it("without a terminal and without --yes, flatten refuses with exit 2", async () => {
    const r = await runMimik(["flatten", "--follower", "DEMO2002", "--config", configPath], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--yes");
    expect(await position("DEMO2002")).toBe(1);
  });

  it("after kill -9 and a restart nothing is recopied, and the lock survived", async () => {
    const before = automated(await records()).length;
    headless.proc.kill("SIGKILL");
    await headless.exited;
    headless = startHeadless();
    await connected(headless);
    // A new leader trade is the barrier: anything recopied from before would have been sent first.
    await leaderTrade("Buy", 2);
    await until(async () => (await position("DEMO2002")) === 2, "DEMO2002 copies the new trade");
    await until(async () => (await position("DEMO2003")) === 2, "DEMO2003 copies the new trade");
    const after = await records();
    const auto = automated(after);
    // Exactly the two new copies: DEMO2001 is locked (opening refused), nothing old was sent again.
    expect(auto.length).toBe(before + 2);
    const perClOrdId = new Map<string, number>();
    for (const o of auto) perClOrdId.set(String(o.clOrdId), (perClOrdId.get(String(o.clOrdId)) ?? 0) + 1);
    expect([...perClOrdId.values()].every((n) => n <= 1)).toBe(true);
    expect(await position("DEMO2001")).toBe(0);
    const skipped = await until(
      () =>
        jsonLines(headless).find(
          (l) => l.type === "copy" && l.follower === "DEMO2001" && l.outcome === "skipped",
        ),
      "DEMO2001's skip line",
    );
    expect(skipped.reason).toBe("locked");
  });

  it("SIGTERM stops the headless cleanly (exit 0) and frees the socket", async () => {
    headless.proc.kill("SIGTERM");
    expect(await headless.exited).toBe(0);
    const r = await runMimik(["status", "--config", configPath], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no running mimik instance/);
  });

  it("with no instance running, flatten acts directly at the broker and records the lock", async () => {
    expect(await position("DEMO2002")).toBe(2);
    const r = await runMimik(["flatten", "--follower", "DEMO2002", "--yes", "--config", configPath], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("no running instance: flattened directly at the broker");
    expect(r.stdout).toMatch(/^ok\s+DEMO2002\s+flat; locked \(1 sent\)/m);
    expect(await position("DEMO2002")).toBe(0);
    expect(await position("DEMO1000")).toBe(4);
    expect(await position("DEMO2003")).toBe(2);
    const state = JSON.parse(await readFile(join(dir, "config.state.json"), "utf8"));
    expect(state.followers.DEMO2002).toMatchObject({
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "manual flatten (no instance running)",
    });
  });

  it("mimik log --verify passes, then points at an edited line", async () => {
    const ok = await runMimik(["log", "--verify", "--config", configPath], env);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^journal OK: \d+ lines$/m);
    const journal = journalPathFor(configPath);
    const lines = (await readFile(journal, "utf8")).split("\n");
    const target = lines.findIndex((l) => l.includes('"type":"leaderFill"'));
    expect(target).toBeGreaterThan(0);
    lines[target] = lines[target]!.replace('"qty":2', '"qty":20');
    await writeFile(journal, lines.join("\n"));
    const broken = await runMimik(["log", "--verify", "--config", configPath], env);
    expect(broken.code).toBe(1);
    // The edit shows on the line after the edited one: its prev hash no longer matches.
    expect(broken.stdout).toContain(`line ${target + 2}:`);
  });
});
