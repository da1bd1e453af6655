/**
 * A follower's opening copy whose answer is lost (carried out at the venue or not) while its
 * account's events lag: the leader's add that comes before the account is read again waits for
 * that read and is sized from it. On the simulator's ProjectX face (the copier's part is the same for
 * both brokers: test/copier/lostOpening.test.ts); judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { automatedOnLeader, LEADER, PX_FOLLOWER, quiet, setPrice } from "../mirror/simRig.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  PX_CONNECTION,
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
