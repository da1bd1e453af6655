import { readFile, rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalPathFor } from "../../data/journal/index.js";
import { headlessRunning, jsonLines, killAll, runMimik, startMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { type SimWorld, simWorld } from "./simWorld.js";

/**
 * SIGTERM while `mimik flatten --all` is under way (the liquidations sent, the broker's answers
 * not back yet): headless stops cleanly, says nothing untrue about the requests the stop cut short
 * (no "flatten failed … retry in 1 s", no journal write after the journal closed), and the next
 * start carries the flatten on to flat and LOCKED, read on the simulator's book.
 */

const FOLLOWERS = ["DEMO2001", "DEMO2002"];

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;

let post: SimWorld["post"];

async function states(): Promise<Record<string, string>> {
  const r = await runMimik(["status", "--json", "--config", configPath], env);
  if (r.code !== 0) return {};
  const status = JSON.parse(r.stdout) as { groups: { followers: { account: string; state: string }[] }[] };
  return Object.fromEntries(status.groups.flatMap((g) => g.followers.map((f) => [f.account, f.state])));
}

beforeAll(async () => {
  ({ dir, env, configPath, simUrl, post } = await simWorld(
    "mimik-stop-flatten-",
    ["DEMO1000", ...FOLLOWERS],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: FOLLOWERS.map((account) => ({ account, sizing: { mode: "fixed", contracts: 1 } })),
      },
    ],
  ));
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("a stop signal while a flatten is under way", () => {
  it("stops cleanly and truthfully, and the next start finishes the flatten", async () => {
    const first = startMimik(["headless", "--config", configPath], env);
    await headlessRunning(first);
    await leaderTradeOn(simUrl, "Buy", 1);
    for (const f of FOLLOWERS) await until(async () => (await positionOn(simUrl, f)) === 1, `${f} long 1`);

    // The broker takes the liquidations but its answers are 3 s on their way when the stop comes.
    await post("/sim/delay", { user: "demo", ms: 3000 });
    const flatten = runMimik(["flatten", "--all", "--yes", "--config", configPath], env);
    await until(
      () =>
        FOLLOWERS.every((f) =>
          jsonLines(first).some(
            (l) => l.type === "followerState" && l.follower === f && l.state === "LIQUIDATE_ONLY",
          ),
        ),
      "the flatten under way",
    );
    await new Promise((r) => setTimeout(r, 300));
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    await flatten;
    await post("/sim/delay", { user: "demo", ms: 0 });

    const said = first.stdout() + first.stderr();
    expect(said).not.toMatch(/journal write failed/);
    expect(said).not.toMatch(/flatten failed/);
    const journal = (await readFile(journalPathFor(configPath), "utf8")).trim().split("\n");
    expect(JSON.parse(journal.at(-1)!)).toMatchObject({ type: "stop", pid: first.pid });
    const verify = await runMimik(["log", "--verify", "--config", configPath], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    // The next start carries the flatten on: flat at the broker and LOCKED, as the state file kept it.
    const second = startMimik(["headless", "--config", configPath], env);
    await headlessRunning(second);
    await until(
      async () => {
        const now = await states();
        return FOLLOWERS.every((f) => now[f] === "LOCKED");
      },
      "followers LOCKED after the restart",
      15_000,
    );
    for (const f of FOLLOWERS) expect(await positionOn(simUrl, f)).toBe(0);
    expect(await positionOn(simUrl, "DEMO1000")).toBe(1);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 60_000);
});
