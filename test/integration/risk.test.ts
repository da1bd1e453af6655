import { afterEach, describe, expect, it } from "vitest";
import type { CopyEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function withDailyLoss(limit: number) {
  const config = simConfig();
  const tight = config.groups[0]?.followers.find((f) => f.account === "DEMO2003");
  if (tight) tight.limits = { dailyLoss: limit };
  return config;
}

const skipsFor = (r: Rig, follower: string) =>
  r.events.filter(
    (e): e is CopyEvent => e.type === "copy" && e.follower === follower && e.outcome === "skipped",
  );

describe("risk through the simulator: breach → flatten → lock → unlock", () => {
  it("flattens and locks only the breaching follower, skips its openings, and copies again after unlock", async () => {
    rig = await startRig(withDailyLoss(500));
    const { sim, engine } = rig;
    await eventually(
      () => engine.directory.route("DEMO2003") && engine.risk.snapshot("DEMO2003")?.netLiq,
      "risk to see DEMO2003",
    );

    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2 NQ");
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 1, "DEMO2001 long 1 NQ");

    // 2 NQ × $20 × 20 points = $800 against DEMO2003: past its $500 daily loss.
    sim.control.jumpPrice("NQZ6", -20);
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "DEMO2003 locked");
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(0);
    expect(engine.risk.snapshot("DEMO2003")?.lockKind).toBe("daily");

    // The leader and the other followers are untouched.
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(2);
    expect(position(sim, "DEMO2001", "NQZ6")).toBe(1);
    expect(position(sim, "DEMO2002", "MNQZ6")).toBe(2);
    const leaderOrders = sim.control.records().orders.filter((o) => o.accountName === "DEMO1000");
    expect(leaderOrders.every((o) => !o.isAutomated)).toBe(true);

    // A later leader opening skips it with reason "locked"; the others still copy.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => skipsFor(rig!, "DEMO2003").some((e) => e.reason === "locked"), "a 'locked' skip");
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 copied ES");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);

    // Still past its daily loss: a plain unlock is refused and says why; forced, it copies again.
    const refused = await engine.unlock("DEMO2003");
    expect(refused.status).toBe("refused");
    expect(refused.reason?.length).toBeGreaterThan(0);
    const forced = await engine.unlock("DEMO2003", true);
    expect(forced.status).toBe("unlocked");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    // The add is copied as its own step (T(2) − T(1) = 1); the skipped opening is not replayed.
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 copying again");
  });

  it("unlocked by hand, flat while its leader holds, a follower shows OUT OF SYNC for r", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003") !== undefined, "DEMO2003 routed");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2 NQ");
    await engine.flattenAndLock({ follower: "DEMO2003" });
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "DEMO2003 locked");
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(0);
    const outOfSync = () =>
      rig!.events.filter((e) => e.type === "syncStatus" && e.follower === "DEMO2003" && !e.inSync);
    expect(outOfSync()).toEqual([]);

    expect((await engine.unlock("DEMO2003")).status).toBe("unlocked");
    await eventually(() => outOfSync().length > 0, "DEMO2003 shown out of sync");
    expect(outOfSync()).toEqual([
      expect.objectContaining({ contract: "NQZ6", has: 0, expects: 2, inSync: false }),
    ]);
    // Shown only: nothing was sent on the unlock (r, asked, would buy the 2).
    await new Promise((r) => setTimeout(r, 300));
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(0);
  });

  it("manual flatten-and-lock of a group never touches the leader", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 3);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === -3, "DEMO2003 short 3");
    // Every copy landed and was heard: a flatten acts on what mimik knows, and a copy still in
    // flight when it runs is another matter (issue 18).
    await eventually(
      () =>
        ["DEMO2001", "DEMO2002", "DEMO2003"].every((a) => {
          const route = engine.directory.route(a);
          return route?.session.positions(route.accountId).some((p) => p.netPos !== 0);
        }),
      "every follower's copy heard",
    );
    const results = await engine.flattenAndLock({ group: "G" });
    expect(results.map((r) => r.target).sort()).toEqual(["DEMO2001", "DEMO2002", "DEMO2003"]);
    for (const [account, contract] of [
      ["DEMO2001", "ESZ6"],
      ["DEMO2002", "MESZ6"],
      ["DEMO2003", "ESZ6"],
    ] as const) {
      await eventually(() => position(sim, account, contract) === 0, `${account} flat`);
      await eventually(() => engine.risk.snapshot(account)?.state === "LOCKED", `${account} locked`);
    }
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(-3);
  });

  it("a flatten right after a copy is written, before mimik has seen it fill, waits for it and ends flat", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    let flattened: Promise<unknown> | undefined;
    engine.on((e) => {
      if (flattened || e.type !== "copy" || e.follower !== "DEMO2003" || e.outcome !== "sent") return;
      // The copy is on the wire; its ack and fill are held back, so the session's cache, risk's
      // valuation and the broker's working orders all still say flat when the flatten looks.
      sim.control.delaySocket("demo", 300);
      flattened = engine.flattenAndLock({ follower: "DEMO2003" });
    });
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 3);
    await eventually(() => flattened, "the flatten to start");
    await flattened;
    // Never LOCKED "flat" while the copy is unanswered: it locks once the broker has it flat.
    expect(engine.risk.snapshot("DEMO2003")?.state).toBe("LIQUIDATE_ONLY");
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "DEMO2003 locked");
    sim.control.delaySocket("demo", 0);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat at the broker");
    const automated = sim.control
      .records()
      .orders.filter((o) => o.accountName === "DEMO2003" && o.isAutomated);
    expect(automated.map((o) => o.action)).toEqual(["Sell", "Buy"]);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(-3);
  });
});
