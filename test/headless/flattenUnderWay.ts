import { type Child, headlessRunning, jsonLines, runMimik, startMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { type SimWorld, simWorld } from "./simWorld.js";

/** The followers of the world below: each copies the leader with 1 contract. */
export const FOLLOWERS = ["DEMO2001", "DEMO2002"];

/** A simulator and a config: group main, DEMO1000 leading FOLLOWERS at 1 contract each. */
export function fixedOneWorld(prefix: string): Promise<SimWorld> {
  return simWorld(
    prefix,
    ["DEMO1000", ...FOLLOWERS],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: FOLLOWERS.map((account) => ({ account, sizing: { mode: "fixed", contracts: 1 } })),
      },
    ],
  );
}

/**
 * `mimik flatten --all` under way through a running headless: the leader's Buy 1 copied to every
 * follower, then the flatten sent with the broker's answers 3 s on their way, every follower
 * liquidating. The caller interrupts the instance, then sets the delay back to 0.
 */
export async function flattenUnderWay(
  world: SimWorld,
): Promise<{ instance: Child; flatten: ReturnType<typeof runMimik> }> {
  const { env, configPath, simUrl, post } = world;
  const instance = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(instance);
  await leaderTradeOn(simUrl, "Buy", 1);
  for (const f of FOLLOWERS) await until(async () => (await positionOn(simUrl, f)) === 1, `${f} long 1`);
  await post("/sim/delay", { user: "demo", ms: 3000 });
  const flatten = runMimik(["flatten", "--all", "--yes", "--config", configPath], env);
  await until(
    () =>
      FOLLOWERS.every((f) =>
        jsonLines(instance).some(
          (l) => l.type === "followerState" && l.follower === f && l.state === "LIQUIDATE_ONLY",
        ),
      ),
    "the flatten under way",
  );
  await new Promise((r) => setTimeout(r, 300));
  return { instance, flatten };
}
