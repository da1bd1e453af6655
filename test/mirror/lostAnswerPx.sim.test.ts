/**
 * A ProjectX follower whose order answer is lost (the venue placed the order, the HTTP answer was
 * a 5xx) while its user hub stays up. mimik cannot tell whether the order exists until it reads
 * the account again; ProjectX sends no snapshot without a reconnect, so the session re-reads the
 * account's open orders and positions itself. Judged on the simulator's book: the follower gets
 * its protective stop without any reconnect, and the lost order that was placed is not placed twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, PX_CONNECTION, pathAtVenue, position, type Rig, startRig } from "../support/rig.js";
import {
  automatedOnLeader,
  LEADER,
  leaderStop,
  PX_FOLLOWER,
  pxFollowerConfig,
  quiet,
  setPrice,
} from "./simRig.js";

const PX = PX_FOLLOWER;
const config = pxFollowerConfig;

let rig: Rig | undefined;
afterEach(async () => {
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

const workingAt = (r: Rig, account: string) =>
  r.sim.control.records().workingOrders.filter((o) => o.accountName === account && o.status === "Working");
const placedAt = (r: Rig, account: string, orderType: string) =>
  r.sim.control.records().orders.filter((o) => o.accountName === account && o.orderType === orderType);
const pxDowns = (r: Rig) =>
  r.events.filter((e) => e.type === "connectionStatus" && e.connection === "px" && e.state !== "connected");

/** The leader and its ProjectX follower long `qty` ESZ6, at the venue and in the copier's book. */
async function followerLongOne(qty = 1): Promise<Rig> {
  const r = await startRig(config({}));
  rig = r;
  setPrice(r, 6800);
  await eventually(() => [LEADER, PX].every((a) => r.engine.directory.connected(a)), "both accounts to sync");
  r.sim.control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty, orderType: "Market" });
  await eventually(() => position(r.sim, PX, "ESZ6") === qty, "the entry copied to ProjectX");
  await eventually(() => r.engine.copier.followerPosition(PX, "ESZ6") === qty, "the copier to see it");
  return r;
}

/** The leader sells 1; the follower's exit is carried out at ProjectX, answered 500, its hub 1.5 s late. */
function exitLostWhileHubLags(r: Rig): void {
  const { control } = r.sim;
  control.delaySocket(PX_CONNECTION.username, 1_500);
  control.loseAnswers(1);
  control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Market" });
}

/**
 * The follower's exit lost its answer (carried out, the hub late); the leader sells 1 more before
 * the re-read: mimik still believes the follower holds what it held before that exit.
 */
async function leaderSellsDuringTheWait(r: Rig): Promise<void> {
  exitLostWhileHubLags(r);
  await eventually(
    () => r.events.some((e) => e.type === "copy" && e.follower === PX && e.outcome === "rejected"),
    "the lost answer seen by the copier",
  );
  r.sim.control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Market" });
}

/** The leader at `leader`, the follower there too at the venue and in the book, no exit pending. */
async function settledAt(r: Rig, leader: number): Promise<void> {
  await eventually(
    () =>
      position(r.sim, LEADER, "ESZ6") === leader &&
      position(r.sim, PX, "ESZ6") === leader &&
      r.engine.copier.followerPosition(PX, "ESZ6") === leader &&
      r.engine.copier.exitsPending() === 0,
    `the follower at ${leader} with its leader, at the venue and in the book`,
    10_000,
  );
  r.sim.control.delaySocket(PX_CONNECTION.username, 0);
  await quiet(2_000); // anything sent late would be told by now
}

describe("a lost ProjectX order answer on a live user hub", () => {
  it("the follower's target, placed with its answer lost, is not placed again, and its stop still comes", async () => {
    const r = await startRig(config({ protect: true }));
    rig = r;
    setPrice(r, 6800);
    await eventually(
      () => [LEADER, PX].every((a) => r.engine.directory.connected(a)),
      "both accounts to sync",
    );
    const { control } = r.sim;
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(() => position(r.sim, PX, "ESZ6") === 1, "the entry copied to ProjectX");
    const downsBefore = pxDowns(r).length;

    // The target reaches ProjectX and stands there; its answer is a 500.
    control.loseAnswers(1);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Limit", price: 6820 });
    await eventually(() => placedAt(r, PX, "Limit").length === 1, "the target placed at ProjectX");
    await eventually(
      () => r.events.some((e) => e.type === "mirror" && e.follower === PX && e.outcome === "rejected"),
      "the lost answer seen by the mirror",
    );

    // The new position's protective stop must still reach the follower.
    leaderStop(r, 6780);
    await eventually(() => workingAt(r, PX).length === 2, "the follower's stop beside its target");
    await quiet();
    const legs = workingAt(r, PX).map((o) => [o.orderType, o.price ?? o.stopPrice]);
    expect(legs.sort()).toEqual([
      ["Limit", 6820],
      ["Stop", 6780],
    ]);
    expect(placedAt(r, PX, "Limit")).toHaveLength(1); // the lost one was found, not placed twice
    expect(placedAt(r, PX, "Stop")).toHaveLength(1);
    expect(pxDowns(r).length).toBe(downsBefore); // no reconnect did it
    expect(position(r.sim, PX, "ESZ6")).toBe(1);
  });

  it("a lost exit that closed the follower while its hub lags: the re-read ends it flat, not short, its book agreeing", async () => {
    const r = await followerLongOne();
    const { control } = r.sim;

    // The exit is carried out at ProjectX, its answer is a 500, and the user hub's events come
    // 1.5 s late: the re-read a second after the lost answer is taken before they arrive.
    exitLostWhileHubLags(r);
    await eventually(() => position(r.sim, PX, "ESZ6") === 0, "the exit carried out at ProjectX");
    await eventually(
      () => r.events.some((e) => e.type === "copy" && e.follower === PX && e.outcome === "rejected"),
      "the lost answer seen by the copier",
    );
    await quiet(2_500); // the re-read, and the late events after it
    control.delaySocket(PX_CONNECTION.username, 0);
    await quiet(2_000); // what was sent meanwhile, told late too
    // The re-read is the venue's: the hub's stale +1 would have had the exit sent again (short).
    expect(position(r.sim, PX, "ESZ6")).toBe(0);
    expect(r.engine.copier.followerPosition(PX, "ESZ6")).toBe(0);
  });

  it("… and the exit is not tried again before the re-read: the follower is never short, not even for a second", async () => {
    const r = await followerLongOne();
    const { control } = r.sim;

    // The exit is carried out, its answer lost, the hub 1.5 s late: the retry's first look (1 s)
    // still has the follower long.
    exitLostWhileHubLags(r);
    await eventually(
      () =>
        r.events.some((e) => e.type === "exitPending" && e.follower === PX && !e.pending) &&
        r.engine.copier.followerPosition(PX, "ESZ6") === 0 &&
        position(r.sim, PX, "ESZ6") === 0,
      "the pending exit ended, the follower flat at the venue and in the book",
      10_000,
    );
    control.delaySocket(PX_CONNECTION.username, 0);
    expect(pathAtVenue(r.sim, PX)).toEqual([1, 0]);
  });

  it("the leader closes the rest before the re-read: the follower is not sold 2 from its stale long 2, it ends flat", async () => {
    const r = await followerLongOne(2);
    await leaderSellsDuringTheWait(r);
    await settledAt(r, 0);
    expect(pathAtVenue(r.sim, PX)).toEqual([2, 1, 0]); // never short
  });

  it("the leader closes and opens short before the re-read: the opening goes after it, once, from flat", async () => {
    const r = await followerLongOne(1);
    await leaderSellsDuringTheWait(r);
    await settledAt(r, -1);
    expect(pathAtVenue(r.sim, PX)).toEqual([1, 0, -1]); // not short 2
  });
});
