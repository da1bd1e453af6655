/**
 * A follower's opening copy whose answer is lost (carried out at the venue or not) while its
 * account's events lag: the leader's add that comes before the account is read again waits for
 * that read and is sized from it. On the simulator's ProjectX face (the copier's part is the same for
 * both brokers: test/copier/lostOpening.test.ts); judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { reopenAfter, sessionCloseAfter } from "../../engine/sim/session.js";
import { automatedOnLeader, LEADER, PX_FOLLOWER, quiet, setPrice } from "../mirror/simRig.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  PX_CONNECTION,
  pathAtVenue,
  position,
  type Rig,
  startRig,
} from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

/**
 * Leader and follower on separate logins: the follower's alone lags. (A Tradovate follower's fill
 * comes on the same socket as its order's answer, ahead of it: its opening is then known.)
 */
const cases: Array<{ broker: string; leader: string; follower: string; login: string; config: Config }> = [
  {
    broker: "ProjectX",
    leader: LEADER,
    follower: PX_FOLLOWER,
    login: PX_CONNECTION.username,
    config: crossBrokerConfig(
      { [LEADER]: "sim", [PX_FOLLOWER]: "px" },
      { name: "X", leader: LEADER, followers: [follower(PX_FOLLOWER, { maxContracts: 1 })] },
    ),
  },
];

describe.each(cases)("a lost opening's answer on $broker, the leader adding before the re-read", (c) => {
  async function leaderAddsDuringTheWait(carriedOut: boolean): Promise<Rig> {
    const r = await startRig(c.config);
    rig = r;
    setPrice(r, 6800);
    await eventually(
      () => [c.leader, c.follower].every((a) => r.engine.directory.connected(a)),
      "both accounts to sync",
    );
    const { control } = r.sim;
    control.delaySocket(c.login, 1_500);
    control.loseAnswers(1, 500, carriedOut);
    control.placeOrder(c.leader, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(
      () => r.events.some((e) => e.type === "copy" && e.follower === c.follower && e.outcome === "rejected"),
      "the lost answer seen by the copier",
    );
    control.placeOrder(c.leader, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(() => position(r.sim, c.leader, "ESZ6") === 2, "the leader long 2");
    await quiet(3_000); // the re-read, and the follower's late events after it
    control.delaySocket(c.login, 0);
    await quiet(1_500);
    return r;
  }

  it("carried out: the follower (max contracts 1) ends long 1, not 2", async () => {
    const r = await leaderAddsDuringTheWait(true);
    expect(position(r.sim, c.follower, "ESZ6")).toBe(1);
    expect(r.engine.copier.followerPosition(c.follower, "ESZ6")).toBe(1);
  });

  it("never reached the venue: the add goes after the re-read, the follower ends long 1", async () => {
    const r = await leaderAddsDuringTheWait(false);
    await eventually(() => position(r.sim, c.follower, "ESZ6") === 1, "the held add sent", 10_000);
    expect(r.engine.copier.followerPosition(c.follower, "ESZ6")).toBe(1);
  });
});

/**
 * The lost opening copy is carried out but rests at the venue (a market order entered in the daily
 * halt waits for the reopen), so at the follower's re-read it is still working. The leader's two
 * buys fill before the close; its socket lags, so mimik sees them (and copies) in the halt.
 */
describe("a lost opening still working at the re-read, on ProjectX", () => {
  const CLOSE = sessionCloseAfter(Date.now());
  const config = crossBrokerConfig(
    { [LEADER]: "sim", [PX_FOLLOWER]: "px" },
    { name: "X", leader: LEADER, reconcile: "full", followers: [follower(PX_FOLLOWER)] },
  );

  it("the held add is not sent beside it; the trader is told; once it fills the follower is long 1, not 3", async () => {
    const r = await startRig(config, { sim: { alwaysOpen: false, clock: CLOSE - 30_000 } });
    rig = r;
    setPrice(r, 6800);
    await eventually(
      () => [LEADER, PX_FOLLOWER].every((a) => r.engine.directory.connected(a)),
      "both accounts to sync",
    );
    const { control } = r.sim;
    control.delaySocket("demo", 1_500);
    control.loseAnswers(1, 500, true);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await quiet(400); // its copy's lost answer is seen before the second buy reaches mimik
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    expect(position(r.sim, LEADER, "ESZ6")).toBe(2);
    control.advanceClock(CLOSE + 60_000 - Date.parse(control.clock().now)); // the halt
    await quiet(3_000); // the leader's buys seen, the copy's answer lost, the re-read
    control.delaySocket("demo", 0);
    await quiet(1_500);
    const mine = r.sim.control.records().orders.filter((o) => o.accountName === PX_FOLLOWER && o.isAutomated);
    expect(mine.map((o) => [o.action, o.qty, o.status])).toEqual([["Buy", 1, "Working"]]);
    expect(position(r.sim, PX_FOLLOWER, "ESZ6")).toBe(0);
    const told = r.events.flatMap((e) =>
      e.type === "alert" && e.message.includes("opening") ? [e.message] : [],
    );
    expect(told).toEqual([
      expect.stringContaining(`${PX_FOLLOWER}: the opening on ESZ6 that waited is not sent`),
    ]);
    expect(told[0]).toContain(`would take ${PX_FOLLOWER} from 0 to +1`);

    control.advanceClock(reopenAfter(CLOSE) + 1_000 - Date.parse(control.clock().now));
    await eventually(
      () => position(r.sim, PX_FOLLOWER, "ESZ6") === 1,
      "the resting copy filled at the reopen",
    );
    await quiet(1_500);
    expect(position(r.sim, PX_FOLLOWER, "ESZ6")).toBe(1);
  });
});

/**
 * A line the leader's ESZ6 and MESZ6 share (toMicro: both to MESZ6): the ES copy's answer is lost
 * (carried out), and the leader's MES steps that come before the follower's re-read are judged at
 * it on the line's whole: a MES exit closes only the MES part, what the line holds for the ES the
 * leader still holds stays; a MES flip's new side nets the ES part down by the leader's net on the
 * line. Before, a flip was judged by one contract at a time: with ES 1 and MES 1 → −1 (net 0)
 * the follower ended long 1, and a held goal short of the line's net was dropped as 'the leader
 * no longer holds that side' because the ES, judged first, was still long.
 */
describe("a lost ES copy's answer on a shared toMicro line, on ProjectX", () => {
  /** The leader buys `held` (each copied), then 1 ES whose copy's answer is lost, then `after` before the re-read. */
  async function lostEsThen(
    held: ReadonlyArray<["ESZ6" | "MESZ6", number]>,
    after: ReadonlyArray<["ESZ6" | "MESZ6", "Buy" | "Sell", number]>,
  ): Promise<Rig> {
    const config = crossBrokerConfig(
      { [LEADER]: "sim", [PX_FOLLOWER]: "px" },
      { name: "X", leader: LEADER, followers: [follower(PX_FOLLOWER, { mapping: "toMicro" })] },
    );
    const r = await startRig(config);
    rig = r;
    setPrice(r, 6800);
    await eventually(
      () => [LEADER, PX_FOLLOWER].every((a) => r.engine.directory.connected(a)),
      "both accounts to sync",
    );
    const { control } = r.sim;
    let line = 0;
    for (const [symbol, qty] of held) {
      control.placeOrder(LEADER, { symbol, action: "Buy", qty, orderType: "Market" });
      line += qty;
      await eventually(() => position(r.sim, PX_FOLLOWER, "MESZ6") === line, `${symbol} copied`);
    }
    await eventually(() => r.engine.copier.followerPosition(PX_FOLLOWER, "MESZ6") === line, "and seen");
    control.delaySocket(PX_CONNECTION.username, 1_500);
    control.loseAnswers(1, 500, true);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(
      () => r.events.some((e) => e.type === "copy" && e.follower === PX_FOLLOWER && e.outcome === "rejected"),
      "the lost answer seen by the copier",
    );
    for (const [symbol, action, qty] of after) {
      const at = position(r.sim, LEADER, symbol);
      control.placeOrder(LEADER, { symbol, action, qty, orderType: "Market" });
      const to = at + (action === "Buy" ? qty : -qty);
      await eventually(() => position(r.sim, LEADER, symbol) === to, `the leader's ${symbol} at ${to}`);
    }
    await quiet(3_000); // the re-read, and the follower's late events after it
    control.delaySocket(PX_CONNECTION.username, 0);
    await quiet(2_000);
    return r;
  }

  it("the leader's MES close leaves the follower long 1 MES for the leader's ES, not flat", async () => {
    const r = await lostEsThen([["MESZ6", 1]], [["MESZ6", "Sell", 1]]);
    expect(position(r.sim, LEADER, "ESZ6")).toBe(1);
    expect(position(r.sim, PX_FOLLOWER, "MESZ6")).toBe(1);
    expect(r.engine.copier.followerPosition(PX_FOLLOWER, "MESZ6")).toBe(1);
  }, 20_000);

  it("the leader's MES flips 1 → −1 beside its ES 1 (net 0): the follower ends flat, not long 1", async () => {
    const r = await lostEsThen([["MESZ6", 1]], [["MESZ6", "Sell", 2]]);
    expect(position(r.sim, LEADER, "MESZ6")).toBe(-1);
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([1, 2, 0]);
    expect(r.engine.copier.followerPosition(PX_FOLLOWER, "MESZ6")).toBe(0);
  }, 20_000);

  it("the MES goes long → flat → short in two orders: flat all the same", async () => {
    const r = await lostEsThen(
      [["MESZ6", 1]],
      [
        ["MESZ6", "Sell", 1],
        ["MESZ6", "Sell", 1],
      ],
    );
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([1, 2, 0]);
  }, 20_000);

  it("ES 2 and MES 1 → −1 (net +1): the line of 3 is sold to 1, not left at 2", async () => {
    const r = await lostEsThen(
      [
        ["ESZ6", 1],
        ["MESZ6", 1],
      ],
      [["MESZ6", "Sell", 2]],
    );
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([1, 2, 3, 1]);
  }, 20_000);

  it("ES 2 and MES 2 → −3 (net −1): the held flip goes to the leader's net, not left long 2", async () => {
    const r = await lostEsThen(
      [
        ["ESZ6", 1],
        ["MESZ6", 2],
      ],
      [["MESZ6", "Sell", 5]],
    );
    expect(pathAtVenue(r.sim, PX_FOLLOWER)).toEqual([1, 3, 4, -1]);
    expect(r.engine.copier.followerPosition(PX_FOLLOWER, "MESZ6")).toBe(-1);
  }, 20_000);
});
