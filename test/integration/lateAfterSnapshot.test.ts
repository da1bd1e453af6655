/**
 * An order of ours whose answer timed out, done at the venue only after the snapshot that was to
 * settle its line (ProjectX held the request past mimik's timeout and past the re-read). The late
 * fill is the truth: the line is reconciled again from where the follower stands, and what it
 * shows is what the venue holds. Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sessionCloseAfter } from "../../engine/sim/session.js";
import type { SyncStatusEvent } from "../../engine/types.js";
import { automatedOnLeader, LEADER, PX_FOLLOWER, quiet, setPrice } from "../mirror/simRig.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  pathAtVenue,
  position,
  type Rig,
  startRig,
} from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  rig?.sim.control.interceptProjectX(undefined);
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

const config = () =>
  crossBrokerConfig(
    { [LEADER]: "sim", [PX_FOLLOWER]: "px" },
    { name: "X", leader: LEADER, followers: [follower(PX_FOLLOWER)] },
  );

const accountOf = (body: unknown) => (body as { accountId?: unknown } | undefined)?.accountId;

/** The follower's next order request is held on its way into the venue until `release()`. */
function holdingNextOrder(r: Rig): { held: () => boolean; release: () => void } {
  const id = r.sim.control.records().cashBalances.find((c) => c.accountName === PX_FOLLOWER)?.accountId;
  let release = () => {};
  let held = false;
  r.sim.control.interceptProjectX((route, body) => {
    if (held || route !== "Order/place" || accountOf(body) !== id) return undefined;
    held = true;
    return new Promise<void>((done) => {
      release = done;
    });
  });
  return { held: () => held, release: () => release() };
}

/** The last sync status told for the follower's ESZ6 line, if any. */
function lastStatus(r: Rig): SyncStatusEvent | undefined {
  return r.events.findLast(
    (e): e is SyncStatusEvent =>
      e.type === "syncStatus" && e.follower === PX_FOLLOWER && e.contract === "ESZ6",
  );
}

describe("an order of ours done at the venue after the snapshot that settled its line", () => {
  it("a close done late beside the re-sync's close: the follower is brought back flat, not left short", async () => {
    const r = await startRig(config(), { projectx: { requestTimeoutMs: 800, lostAnswerReadMs: 300 } });
    rig = r;
    setPrice(r, 6800);
    await eventually(() => [LEADER, PX_FOLLOWER].every((a) => r.engine.directory.connected(a)), "synced");
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 1);
    await eventually(() => position(r.sim, PX_FOLLOWER, "ESZ6") === 1, "the entry copied");
    const hold = holdingNextOrder(r);
    r.sim.control.manualTrade(LEADER, "ESZ6", "Sell", 1);
    await eventually(hold.held, "the follower's close held at the venue");
    // Its answer times out, the re-read finds the follower long 1 and the re-sync closes it.
    await eventually(() => position(r.sim, PX_FOLLOWER, "ESZ6") === 0, "the re-sync's close", 10_000);
    hold.release();
    await eventually(() => pathAtVenue(r.sim, PX_FOLLOWER).length >= 3, "the late close done", 5_000);
    await eventually(() => position(r.sim, PX_FOLLOWER, "ESZ6") === 0, "the follower flat again", 10_000);
    await quiet(1_500);
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([1, 0, -1, 0]);
    expect(lastStatus(r)?.inSync ?? true).toBe(true);
  }, 30_000);

  it("an opening done late after r bought it: the follower is brought down to the rule and shown in sync", async () => {
    const r = await startRig(config(), { projectx: { requestTimeoutMs: 800, lostAnswerReadMs: 300 } });
    rig = r;
    setPrice(r, 6800);
    await eventually(() => [LEADER, PX_FOLLOWER].every((a) => r.engine.directory.connected(a)), "synced");
    const hold = holdingNextOrder(r);
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(hold.held, "the follower's opening held at the venue");
    // Its answer times out and the re-read finds the follower flat: OUT OF SYNC, has 0, expects +2.
    await eventually(() => lastStatus(r)?.has === 0 && lastStatus(r)?.expects === 2, "OUT OF SYNC", 10_000);
    const [outcome] = await r.engine.execute({ cmd: "resync", follower: PX_FOLLOWER });
    expect(outcome?.status).toBe("resynced");
    await eventually(() => position(r.sim, PX_FOLLOWER, "ESZ6") === 2, "r's buy filled");
    hold.release();
    await eventually(() => pathAtVenue(r.sim, PX_FOLLOWER).length >= 2, "the late opening done", 5_000);
    await eventually(() => position(r.sim, PX_FOLLOWER, "ESZ6") === 2, "the follower back at +2", 10_000);
    await quiet(1_500);
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([2, 4, 2]);
    expect(lastStatus(r)).toMatchObject({ has: 2, expects: 2, inSync: true });
    const told = r.events.flatMap((e) => (e.type === "resync" ? [e.cause] : []));
    expect(told).toContainEqual(expect.stringContaining("was done after the snapshot"));
  }, 30_000);

  it("an opening done late after its leader closed: the follower is closed, never left an orphan", async () => {
    const r = await startRig(config(), { projectx: { requestTimeoutMs: 800, lostAnswerReadMs: 300 } });
    rig = r;
    setPrice(r, 6800);
    await eventually(() => [LEADER, PX_FOLLOWER].every((a) => r.engine.directory.connected(a)), "synced");
    const hold = holdingNextOrder(r);
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 1);
    await eventually(hold.held, "the follower's opening held at the venue");
    await eventually(() => lastStatus(r)?.has === 0 && lastStatus(r)?.expects === 1, "OUT OF SYNC", 10_000);
    r.sim.control.manualTrade(LEADER, "ESZ6", "Sell", 1);
    await eventually(() => lastStatus(r)?.expects === 0, "the leader's close seen");
    hold.release();
    await eventually(() => pathAtVenue(r.sim, PX_FOLLOWER).length >= 1, "the late opening done", 5_000);
    await eventually(() => position(r.sim, PX_FOLLOWER, "ESZ6") === 0, "the follower closed", 10_000);
    await quiet(1_500);
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([1, 0]);
    expect(position(r.sim, LEADER, "ESZ6")).toBe(0);
  }, 30_000);

  it("a lost opening resting in the halt, cancelled by the trader: r is taken at once, not refused until a reconnect", async () => {
    const CLOSE = sessionCloseAfter(Date.now());
    const r = await startRig(config(), { sim: { alwaysOpen: false, clock: CLOSE - 30_000 } });
    rig = r;
    setPrice(r, 6800);
    await eventually(() => [LEADER, PX_FOLLOWER].every((a) => r.engine.directory.connected(a)), "synced");
    const { control } = r.sim;
    // The leader buys before the close; its socket lags, so mimik copies in the halt, where the
    // copy (its answer lost) rests, still working at the follower's re-read.
    control.delaySocket("demo", 1_500);
    control.loseAnswers(1, 500, true);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Market" });
    control.advanceClock(CLOSE + 60_000 - Date.parse(control.clock().now));
    await quiet(3_000);
    control.delaySocket("demo", 0);
    const resting = () =>
      control.records().orders.filter((o) => o.accountName === PX_FOLLOWER && o.status === "Working");
    await eventually(() => resting().length === 1, "the copy resting");
    await eventually(() => lastStatus(r)?.has === 0 && lastStatus(r)?.expects === 2, "OUT OF SYNC", 10_000);
    control.cancelOrder(resting()[0]!.orderId!);
    await eventually(
      () => control.records().orders.some((o) => o.accountName === PX_FOLLOWER && o.status === "Canceled"),
      "the copy cancelled",
    );
    await quiet(1_000);
    const [outcome] = await r.engine.execute({ cmd: "resync", follower: PX_FOLLOWER });
    expect(outcome?.status).toBe("resynced");
    expect(position(r.sim, LEADER, "ESZ6")).toBe(2);
  }, 30_000);
});
