import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, headlessRunning, killAll, runMimik, startMimik, until } from "./children.js";
import { type SimWorld, simWorld } from "./simWorld.js";

/**
 * The panic button from another shell against a running headless instance: `mimik flatten --all`
 * on followers that hold positions in two contracts, protective OCOs mirrored from the leader and
 * a working entry of their own, all read back on the simulator's book.
 */

interface SimRecords {
  orders: { accountName: string; status: string; isAutomated: boolean }[];
  positions: { accountName: string; contract: string; netPos: number }[];
}

const FOLLOWERS = ["DEMO2001", "DEMO2002", "DEMO2003"];
const LIVE = new Set(["Working", "PendingNew", "Accepted", "Suspended"]);

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;
let headless: Child;

async function records(): Promise<SimRecords> {
  return (await (await fetch(`${simUrl}/sim/records`)).json()) as SimRecords;
}

let post: SimWorld["post"];

const working = (r: SimRecords, account: string) =>
  r.orders.filter((o) => o.accountName === account && LIVE.has(o.status));
const held = (r: SimRecords, account: string) =>
  r.positions
    .filter((p) => p.accountName === account && p.netPos !== 0)
    .map((p) => `${p.contract} ${p.netPos}`);

beforeAll(async () => {
  ({ dir, env, configPath, simUrl, post } = await simWorld(
    "mimik-flatten-all-",
    ["DEMO1000", ...FOLLOWERS],
    [
      {
        name: "main",
        leader: "DEMO1000",
        protect: true,
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
          { account: "DEMO2002", sizing: { mode: "fixed", contracts: 2 } },
          { account: "DEMO2003", sizing: { mode: "multiplier", value: 0.5 } },
        ],
      },
    ],
  ));
  headless = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(headless);
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("mimik flatten --all from another shell", () => {
  it("leaves every follower flat, with no working order, and LOCKED; the leader untouched", async () => {
    await post("/sim/walk", { on: false });
    await post("/sim/trade", { account: "DEMO1000", symbol: "ESZ6", action: "Buy", qty: 3 });
    await post("/sim/oco", {
      account: "DEMO1000",
      symbol: "ESZ6",
      action: "Sell",
      qty: 3,
      orderType: "Stop",
      stopPrice: 6780,
      other: { orderType: "Limit", price: 6820 },
    });
    // The trader's own trades on followers: another contract, and an entry left working.
    await post("/sim/trade", { account: "DEMO2001", symbol: "NQZ6", action: "Sell", qty: 1 });
    await post("/sim/order", {
      account: "DEMO2002",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: 6750,
    });
    await until(async () => {
      const r = await records();
      return FOLLOWERS.every((f) => working(r, f).filter((o) => o.isAutomated).length === 2);
    }, "each follower's protective OCO");

    const r = await runMimik(["flatten", "--all", "--yes", "--config", configPath], env);
    expect(r.code, r.stderr).toBe(0);
    for (const f of FOLLOWERS) expect(r.stdout).toMatch(new RegExp(`^ok\\s+${f}\\s+flat; locked`, "m"));

    const after = await records();
    for (const f of FOLLOWERS)
      expect({ f, held: held(after, f), working: working(after, f) }).toEqual({ f, held: [], working: [] });
    expect(held(after, "DEMO1000")).toEqual(["ESZ6 3"]);
    expect(working(after, "DEMO1000")).toHaveLength(2);
    const status = JSON.parse((await runMimik(["status", "--json", "--config", configPath], env)).stdout) as {
      groups: { followers: { account: string; state: string; reason?: string }[] }[];
    };
    expect(status.groups[0]?.followers.map((f) => [f.account, f.state, f.reason])).toEqual(
      FOLLOWERS.map((f) => [f, "LOCKED", "manual"]),
    );
    // Nothing comes back: a second later the book is the same (no leg re-placed, no copy).
    await new Promise((done) => setTimeout(done, 1000));
    const later = await records();
    for (const f of FOLLOWERS)
      expect({ f, held: held(later, f), working: working(later, f) }).toEqual({ f, held: [], working: [] });
  });
});
