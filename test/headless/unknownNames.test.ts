import { readFile, rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, headlessRunning, jsonLines, killAll, runMimik, startMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { simWorld } from "./simWorld.js";

/**
 * A trader at a second shell mistypes a name: `mimik lock --follower DEMO200`, `mimik pause
 * --group mian`. The running instance must refuse it naming what was typed and what would be
 * right (the nearest name, and the list), exit non-zero, and change nothing: no order at the
 * simulator, no state change, the config file byte for byte as it was.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;
let headless: Child;

interface StatusFollower {
  account: string;
  state: string;
}

async function followerStates(): Promise<Record<string, string>> {
  const r = await runMimik(["status", "--json", "--config", configPath], env);
  expect(r.code, r.stderr).toBe(0);
  const status = JSON.parse(r.stdout) as { groups: { active: boolean; followers: StatusFollower[] }[] };
  return Object.fromEntries([
    ...status.groups.flatMap((g) => g.followers.map((f) => [f.account, f.state])),
    ...status.groups.map((g, i) => [`group ${i}`, g.active ? "active" : "paused"]),
  ]);
}

beforeAll(async () => {
  ({ dir, env, configPath, simUrl } = await simWorld(
    "mimik-unknown-names-",
    ["DEMO1000", { name: "DEMO2001", label: "half" }, { name: "DEMO2002", label: "fixed" }],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
          { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 } },
        ],
      },
    ],
  ));
  headless = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(headless);
  await leaderTradeOn(simUrl, "Buy", 1);
  for (const account of ["DEMO2001", "DEMO2002"])
    for (let i = 0; i < 200 && (await positionOn(simUrl, account)) !== 1; i++)
      await new Promise((r) => setTimeout(r, 25));
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

const MISTYPED: [string[], RegExp][] = [
  [
    ["lock", "--follower", "DEMO200"],
    /no follower named "DEMO200" in the config; did you mean DEMO2001 \(half\)\?/,
  ],
  [
    ["unlock", "--follower", "hlaf"],
    /no follower named "hlaf" in the config; did you mean DEMO2001 \(half\)\?/,
  ],
  [
    ["flatten", "--follower", "fixd", "--yes"],
    /no follower named "fixd" in the config; did you mean DEMO2002 \(fixed\)\?/,
  ],
  [
    ["lock", "--follower", "nobody"],
    /no follower named "nobody" in the config \(followers: DEMO2001 \(half\), DEMO2002 \(fixed\)\)/,
  ],
  [["pause", "--group", "mian"], /no group named "mian" in the config; did you mean main\? \(groups: main\)/],
  [["resume", "--group", "night"], /no group named "night" in the config \(groups: main\)/],
  [
    ["flatten", "--group", "mian", "--yes"],
    /no group named "mian" in the running instance's config; did you mean main\?/,
  ],
];

describe("a mistyped follower or group, sent to the running instance", () => {
  it("each is refused naming it and what is right, exit 1, and nothing changes", async () => {
    const configBefore = await readFile(configPath, "utf8");
    // All at once, as a trader's mistakes cost nothing to try: each process is a second shell.
    const runs = await Promise.all(
      MISTYPED.map(([argv]) => runMimik([...argv, "--config", configPath], env)),
    );
    runs.forEach((r, i) => {
      const [argv, message] = MISTYPED[i]!;
      expect(r.code, `${argv.join(" ")}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr, argv.join(" ")).toMatch(message);
      expect(r.stdout, argv.join(" ")).toBe("");
    });
    expect(await followerStates()).toEqual({ DEMO2001: "ACTIVE", DEMO2002: "ACTIVE", "group 0": "active" });
    expect(await readFile(configPath, "utf8")).toBe(configBefore);
    expect(await positionOn(simUrl, "DEMO2001")).toBe(1);
    expect(await positionOn(simUrl, "DEMO2002")).toBe(1);
  });

  it("a pause of a paused group, or a resume of an active one, says it already was", async () => {
    const pause = () => runMimik(["pause", "--group", "MAIN", "--config", configPath], env);
    const resume = () => runMimik(["resume", "--group", "main", "--config", configPath], env);
    expect((await resume()).stdout).toMatch(/^ok\s+main\s+already copying$/m);
    expect((await pause()).stdout).toMatch(/^ok\s+main\s+paused: no new openings/m);
    const again = await pause();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ok\s+main\s+already paused: no new openings; exits still follow$/m);
    expect((await resume()).stdout).toMatch(/^ok\s+main\s+resumed: copying$/m);
    expect((await followerStates())["group 0"]).toBe("active");
  });

  it("a pause and a resume from another shell are said in headless's output, as the trader typed them", async () => {
    const said = () =>
      jsonLines(headless)
        .map((l) => String(l.message))
        .filter((m) => m.includes("(from another shell)"));
    const before = said().length;
    expect((await runMimik(["pause", "--group", "Main", "--config", configPath], env)).code).toBe(0);
    expect((await runMimik(["resume", "--group", "Main", "--config", configPath], env)).code).toBe(0);
    await until(() => said().length >= before + 2, "the pause and the resume in the output");
    expect(said().slice(before)).toEqual([
      "mimik pause --group Main (from another shell): main: paused: no new openings; exits still follow",
      "mimik resume --group Main (from another shell): main: resumed: copying",
    ]);
  });

  it("the right names still work, any case or by label", async () => {
    const r = await runMimik(["lock", "--follower", "HALF", "--config", configPath], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+DEMO2001\s+locked/);
    expect((await followerStates()).DEMO2001).toBe("LOCKED");
  });
});
