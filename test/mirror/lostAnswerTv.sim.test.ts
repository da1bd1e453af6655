/**
 * A Tradovate follower whose order answer is lost (the venue carried the request out, the socket
 * answered 500) while its trading socket stays up. mimik cannot tell what the request did until
 * it reads the account again; Tradovate sends no snapshot without a reconnect, so the session
 * reads the account over the live socket itself. Judged on the simulator's book: the follower
 * gets its protective stop without any reconnect, the lost order is not placed twice, and a lost
 * exit leaves the follower flat, never short.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Group } from "../../data/schema.js";
import type { ExitPendingEvent } from "../../engine/events.js";
import type { SyncEvent } from "../../engine/types.js";
import { eventually, pathAtVenue, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { automatedOnLeader, exitsBeyondPosition, LEADER, leaderStop, quiet, setPrice } from "./simRig.js";

const FOLLOWER = "DEMO2003";

let rig: Rig | undefined;
afterEach(async () => {
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

/** The leader and one follower (×1), both on the simulator's one Tradovate login, synced. */
async function leaderAndFollower(group: Partial<Group> = {}): Promise<Rig> {
  const base = simConfig(group);
  const followers = base.groups[0]!.followers.filter((f) => f.account === FOLLOWER);
  const r = await startRig({ ...base, groups: [{ ...base.groups[0]!, followers }] });
  rig = r;
  setPrice(r, 6800);
  await eventually(
    () => [LEADER, FOLLOWER].every((a) => r.engine.directory.connected(a)),
    "both accounts to sync",
  );
  return r;
}

const workingAt = (r: Rig) =>
  r.sim.control.records().workingOrders.filter((o) => o.accountName === FOLLOWER && o.status === "Working");
const placedAt = (r: Rig, orderType: string) =>
  r.sim.control.records().orders.filter((o) => o.accountName === FOLLOWER && o.orderType === orderType);
const downs = (r: Rig) =>
  r.events.filter((e) => e.type === "connectionStatus" && e.connection === "sim" && e.state !== "connected");
/** The leader and the follower long 1 ESZ6, at the venue and in the copier's book. */
async function followerLongOne(group: Partial<Group> = {}): Promise<Rig> {
  const r = await leaderAndFollower(group);
  r.sim.control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
  await eventually(() => position(r.sim, FOLLOWER, "ESZ6") === 1, "the entry copied");
  await eventually(() => r.engine.copier.followerPosition(FOLLOWER, "ESZ6") === 1, "the copier to see it");
  return r;
}

/** Snapshots of the follower's account alone from here on: re-reads, not a reconnect's sync. */
function rereadsOf(r: Rig): SyncEvent[] {
  const route = r.engine.directory.route(FOLLOWER)!;
  const seen: SyncEvent[] = [];
  route.session.on((e) => {
    if (e.type === "sync" && e.accounts.length === 1 && e.accounts[0]!.id === route.accountId) seen.push(e);
  });
  return seen;
}

/** No exit of the follower's is pending (none was, or the last one ended). */
const exitSettled = (r: Rig) =>
  lastExitPending(r)?.pending !== true && r.engine.copier.followerPosition(FOLLOWER, "ESZ6") === 0;
const lastExitPending = (r: Rig) =>
  r.events.findLast((e): e is ExitPendingEvent => e.type === "exitPending" && e.follower === FOLLOWER);

describe("a lost Tradovate order answer on a live trading socket", () => {
  it("the follower's target, placed with its answer lost, is not placed again, and its stop still comes", async () => {
    const r = await followerLongOne({ protect: true });
    const rereads = rereadsOf(r);
    const downsBefore = downs(r).length;
    const { control } = r.sim;

    // The target reaches the venue and stands there; its answer is a 500.
    control.loseAnswers(1);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Limit", price: 6820 });
    await eventually(() => placedAt(r, "Limit").length === 1, "the target placed at the venue");
    await eventually(
      () => r.events.some((e) => e.type === "mirror" && e.follower === FOLLOWER && e.outcome === "rejected"),
      "the lost answer seen by the mirror",
    );
    await eventually(() => rereads.length > 0, "the follower's account read again");
    await quiet();
    expect(placedAt(r, "Limit")).toHaveLength(1); // the lost one was found, not placed twice

    // The new position's protective stop must still reach the follower, with no reconnect: at
    // Tradovate the two become one OCO pair, and the lone target they replace is cancelled.
    leaderStop(r, 6780);
    await eventually(
      () => workingAt(r).length === 2 && workingAt(r).every((o) => o.linkedId !== undefined),
      "the follower's stop and target as one OCO pair",
    );
    await quiet();
    const legs = workingAt(r).map((o) => [o.orderType, o.price ?? o.stopPrice]);
    expect(legs.sort()).toEqual([
      ["Limit", 6820],
      ["Stop", 6780],
    ]);
    expect(placedAt(r, "Limit")[0]!.status).toBe("Canceled"); // the lost one, replaced by the pair
    expect(exitsBeyondPosition(r, [FOLLOWER])).toEqual([]);
    expect(downs(r).length).toBe(downsBefore); // no reconnect did it
    expect(position(r.sim, FOLLOWER, "ESZ6")).toBe(1);
  });

  it("a lost exit carried out at the venue: the follower ends flat, never short, and its account is read again", async () => {
    const r = await followerLongOne();
    const rereads = rereadsOf(r);
    const downsBefore = downs(r).length;

    r.sim.control.loseAnswers(1);
    r.sim.control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Market" });
    await eventually(() => rereads.length > 0, "the follower's account read again");
    await eventually(
      () => exitSettled(r) && position(r.sim, FOLLOWER, "ESZ6") === 0,
      "the exit settled, the follower flat at the venue and in the book",
    );
    await quiet(1_500); // anything the re-read might have sent
    expect(pathAtVenue(r.sim, FOLLOWER)).toEqual([1, 0]);
    expect(r.engine.copier.followerPosition(FOLLOWER, "ESZ6")).toBe(0);
    expect(downs(r).length).toBe(downsBefore);
  });

  it("a lost exit that never reached the venue: the re-read finds the follower still long and the exit goes again", async () => {
    const r = await followerLongOne();
    const rereads = rereadsOf(r);
    const downsBefore = downs(r).length;

    // Answered 500 and never done: until the account is read again mimik cannot tell it from the
    // case above, and without a read it waited for a snapshot up to 30 s with the leader flat.
    r.sim.control.loseAnswers(1, 500, false);
    r.sim.control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Market" });
    await eventually(
      () => r.events.some((e) => e.type === "exitPending" && e.follower === FOLLOWER && e.pending),
      "the lost exit pending",
    );
    await eventually(
      () => exitSettled(r) && position(r.sim, FOLLOWER, "ESZ6") === 0,
      "the exit settled, the follower flat at the venue and in the book",
    );
    expect(lastExitPending(r)).toMatchObject({ pending: false, reason: "replaced by the re-sync" });
    expect(rereads.length).toBeGreaterThan(0);
    await quiet(1_500);
    expect(pathAtVenue(r.sim, FOLLOWER)).toEqual([1, 0]);
    expect(r.engine.copier.followerPosition(FOLLOWER, "ESZ6")).toBe(0);
    expect(downs(r).length).toBe(downsBefore);
  });
});
