import { readFile, rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalPathFor } from "../../data/journal/index.js";
import { headlessRunning, killAll, runMimik, startMimik, until } from "./children.js";
import { FOLLOWERS, fixedOneWorld, flattenUnderWay } from "./flattenUnderWay.js";
import { positionOn } from "./simBook.js";
import type { SimWorld } from "./simWorld.js";

/**
 * SIGTERM while `mimik flatten --all` is under way (the liquidations sent, the broker's answers
 * not back yet): headless stops cleanly, says nothing untrue about the requests the stop cut short
 * (no "flatten failed … retry in 1 s", no journal write after the journal closed); the command,
 * left without an answer, flattens at the broker itself; and the next start keeps the followers
 * flat and LOCKED, read on the simulator's book.
 */

let world: SimWorld;
let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;

async function states(): Promise<Record<string, string>> {
  const r = await runMimik(["status", "--json", "--config", configPath], env);
  if (r.code !== 0) return {};
  const status = JSON.parse(r.stdout) as { groups: { followers: { account: string; state: string }[] }[] };
  return Object.fromEntries(status.groups.flatMap((g) => g.followers.map((f) => [f.account, f.state])));
}

beforeAll(async () => {
  world = await fixedOneWorld("mimik-stop-flatten-");
  ({ dir, env, configPath, simUrl } = world);
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("a stop signal while a flatten is under way", () => {
  it("stops cleanly and truthfully; the command finishes the flatten at the broker, and the next start keeps it", async () => {
    // The broker takes the liquidations but its answers are 3 s on their way when the stop comes.
    const { instance: first, flatten } = await flattenUnderWay(world);
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const pressed = await flatten;
    await world.post("/sim/delay", { user: "demo", ms: 0 });
    expect(pressed.code, pressed.stdout + pressed.stderr).toBe(0);
    for (const f of FOLLOWERS) expect(await positionOn(simUrl, f)).toBe(0);

    const said = first.stdout() + first.stderr();
    expect(said).not.toMatch(/journal write failed/);
    expect(said).not.toMatch(/flatten failed/);
    // Nothing of the stopped instance after its stop line: what follows is the command's own
    // flatten at the broker, which it carries on once the instance went away without answering.
    const journal = (await readFile(journalPathFor(configPath), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; pid?: number; mode?: string });
    const stopped = journal.findIndex((l) => l.type === "stop" && l.pid === first.pid);
    expect(stopped).toBeGreaterThan(0);
    expect(journal[stopped + 1]).toMatchObject({
      type: "start",
      mode: "direct flatten (no instance running)",
    });
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
