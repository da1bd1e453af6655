import { afterEach, describe, expect, it } from "vitest";
import type { Config, Follower } from "../../data/schema.js";
import { SKIP_REASONS } from "../../engine/types.js";
import { eventually, PX_CONNECTION, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A ProjectX login reads its picture over REST after every user hub (re)connect, one request at a
 * time, while the venue keeps trading. Trades that land between those reads must leave the
 * copier's view equal to the venue's. The simulator's ProjectX hook makes the interleaving
 * happen exactly; everything is judged on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  rig?.sim.control.interceptProjectX(undefined);
  await rig?.close();
  rig = undefined;
});

const follower = (account: string): Follower => ({
  account,
  enabled: true,
  sizing: { mode: "multiplier", value: 1 },
  mapping: "none",
  limits: {},
});

/** ProjectX leader TSX5001, Tradovate follower DEMO2001 (×1). */
function projectXLeads(): Config {
  const base = simConfig();
  return {
    ...base,
    connections: [...base.connections, PX_CONNECTION],
    accounts: [
      { name: "TSX5001", connection: "px" },
      { name: "DEMO2001", connection: "sim" },
    ],
    groups: [
      {
        name: "P",
        active: true,
        leader: "TSX5001",
        whitelist: { enabled: false, symbols: [] },
        followers: [follower("DEMO2001")],
      },
    ],
  };
}

const accountIdOf = (r: Rig, name: string) =>
  r.sim.control.records().cashBalances.find((c) => c.accountName === name)!.accountId;
const accountOf = (body: unknown) => (body as { accountId?: unknown } | undefined)?.accountId;

/** Drop the ProjectX hub; on its reconnect `trade` lands right after the leader's positions were read. */
async function tradeDuringReconnectRead(r: Rig, trade: () => void): Promise<void> {
  const { control } = r.sim;
  const leaderId = accountIdOf(r, "TSX5001");
  let landed = false;
  control.interceptProjectX((route, body) => {
    if (!landed && route === "Order/searchOpen" && accountOf(body) === leaderId) {
      landed = true;
      trade();
    }
    return undefined;
  });
  control.dropSockets({ user: PX_CONNECTION.username });
  await eventually(() => landed, "the trade to land during the reconnect's read", 10_000);
  await eventually(() => r.engine.directory.connected("TSX5001"), "the leader synced again");
}

async function synced(): Promise<Rig> {
  const r = await startRig(projectXLeads());
  rig = r;
  await eventually(() => ["TSX5001", "DEMO2001"].every((a) => r.engine.directory.connected(a)), "synced");
  return r;
}

const sells = (r: Rig, account: string) =>
  r.sim.control.records().orders.filter((o) => o.accountName === account && o.action === "Sell");

describe("ProjectX reconnect: the venue trades while the snapshot is read", () => {
  it("the leader's exit lands between its positions read and its trades read: the follower still closes, once", async () => {
    const r = await synced();
    const { control } = r.sim;
    control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 1, "the entry copied");

    await tradeDuringReconnectRead(r, () => control.manualTrade("TSX5001", "ESZ6", "Sell", 1));

    // Before, the picture held the leader long with its exit as history: the follower stayed long.
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 0, "the follower closed");
    expect(r.engine.copier.leaderPosition("TSX5001", "ESZ6")).toBe(0);
    expect(position(r.sim, "TSX5001", "ESZ6")).toBe(0);
    expect(sells(r, "DEMO2001").map((o) => o.qty)).toEqual([1]);
  });

  it("the leader's entry lands there: the copier knows the leader long, so its later exit opens nothing", async () => {
    const r = await synced();
    const { control } = r.sim;

    await tradeDuringReconnectRead(r, () => control.manualTrade("TSX5001", "ESZ6", "Buy", 1));
    // Missed while reconnecting: an opening is not made up (the follower shows OUT OF SYNC) …
    await eventually(
      () => r.engine.copier.leaderPosition("TSX5001", "ESZ6") === 1,
      "the copier to see the leader long",
    );
    expect(position(r.sim, "DEMO2001", "ESZ6")).toBe(0);

    // … and the leader's exit, live, has nothing to close. Before, the copier believed the leader
    // flat, read this exit as a new short and opened one on the follower.
    control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    await eventually(
      () =>
        r.events.some(
          (e) =>
            e.type === "copy" &&
            e.follower === "DEMO2001" &&
            e.outcome === "skipped" &&
            e.reason === SKIP_REASONS.alreadyFlat,
        ),
      "the exit's copy judged",
    );
    expect(r.engine.copier.leaderPosition("TSX5001", "ESZ6")).toBe(0);
    expect(position(r.sim, "DEMO2001", "ESZ6")).toBe(0);
    expect(sells(r, "DEMO2001")).toEqual([]);
  });
});
