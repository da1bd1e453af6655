import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent, ConnectionStatusEvent } from "../../engine/types.js";
import { crossBrokerConfig, eventually, follower, position, type Rig, startRig } from "../support/rig.js";

/**
 * A flatten of a ProjectX follower whose account cannot be read (its searches answer an error).
 * closeContract closes whatever is there, so the close goes; but until the account read, each
 * retry judged the account from its last picture (long 1, the hub's events of it dropped) and
 * told the trader "still not flat after flatten" every few seconds while ProjectX had it flat.
 * Now the flatten says the account cannot be read and that the close went, waits for the read,
 * and locks once the account reads flat. Judged on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const REFUSED = "Account is under review";

const config = crossBrokerConfig(
  { DEMO1000: "sim", TSX5001: "px", TSX5002: "px" },
  { name: "U", leader: "DEMO1000", followers: [follower("TSX5001"), follower("TSX5002")] },
);

const alerts = (r: Rig, name: string) =>
  r.events.filter((e): e is AlertEvent => e.type === "alert" && e.follower === name).map((e) => e.message);
const lastStatus = (r: Rig) =>
  r.events
    .filter((e): e is ConnectionStatusEvent => e.type === "connectionStatus" && e.connection === "px")
    .at(-1);

describe("flatten and lock of a ProjectX follower whose account cannot be read", () => {
  it("sends the close, says the account cannot be read (not 'still not flat'), and locks once it reads flat", async () => {
    const r = await startRig(config, { projectx: { lostAnswerReadMs: 200 } });
    rig = r;
    const { sim, engine } = r;
    await eventually(() => ["TSX5001", "TSX5002"].every((a) => engine.directory.connected(a)), "synced");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "TSX5002", "ESZ6") === 1, "TSX5002 long 1");
    sim.control.failAccountReads("TSX5002", REFUSED);
    sim.control.dropSockets({ user: "topstep" });
    await eventually(
      () => engine.directory.connected("TSX5001") && lastStatus(r)?.unreadable?.length === 1,
      "the login back with TSX5002 unreadable",
      10_000,
    );

    const [outcome] = await engine.flattenAndLock({ follower: "TSX5002" });
    await eventually(() => position(sim, "TSX5002", "ESZ6") === 0, "the close done at ProjectX");
    expect(outcome).toMatchObject({ target: "TSX5002", status: "liquidating" });
    expect(outcome?.reason).toContain("cannot be read");
    // Past the retries at 1, 2 and 4 s: nothing said from the last picture.
    await new Promise((done) => setTimeout(done, 4_000));
    const said = alerts(r, "TSX5002");
    expect(said.filter((m) => /still not flat|flatten failed/.test(m))).toEqual([]);
    expect(said.filter((m) => m.includes("cannot be read"))).toEqual([
      `TSX5002: flatten: its account cannot be read (ProjectX Trade/search failed (1): ${REFUSED}): the close of ESZ6 was sent (it closes whatever is there); it locks once the account reads flat`,
    ]);
    expect(engine.risk.snapshot("TSX5002")?.state).toBe("LIQUIDATE_ONLY");

    sim.control.failAccountReads("TSX5002", null);
    await eventually(() => engine.risk.snapshot("TSX5002")?.state === "LOCKED", "TSX5002 locked", 15_000);
    expect(position(sim, "TSX5002", "ESZ6")).toBe(0);
    expect(position(sim, "TSX5001", "ESZ6")).toBe(1);
    expect(
      sim.control
        .records()
        .orders.filter((o) => o.accountName === "TSX5002" && o.action === "Sell")
        .map((o) => o.qty),
    ).toEqual([1]);
  }, 40_000);

  it("its last picture flat: not locked as flat while it cannot be read; a position found when it reads is closed, then locked", async () => {
    const r = await startRig(config, { projectx: { lostAnswerReadMs: 200 } });
    rig = r;
    const { sim, engine } = r;
    await eventually(() => ["TSX5001", "TSX5002"].every((a) => engine.directory.connected(a)), "synced");
    sim.control.failAccountReads("TSX5002", REFUSED);
    sim.control.dropSockets({ user: "topstep" });
    await eventually(
      () => engine.directory.connected("TSX5001") && lastStatus(r)?.unreadable?.length === 1,
      "the login back with TSX5002 unreadable",
      10_000,
    );
    // Bought by hand while the account cannot be read: mimik's picture of it is still flat.
    sim.control.manualTrade("TSX5002", "ESZ6", "Buy", 2);
    const [outcome] = await engine.flattenAndLock({ follower: "TSX5002" });
    expect(outcome).toMatchObject({ target: "TSX5002", status: "liquidating" });
    await new Promise((done) => setTimeout(done, 1_500));
    expect(engine.risk.snapshot("TSX5002")?.state).toBe("LIQUIDATE_ONLY");
    expect(alerts(r, "TSX5002").filter((m) => m.includes("cannot be read"))).toEqual([
      `TSX5002: flatten: its account cannot be read (ProjectX Trade/search failed (1): ${REFUSED}): no position known to close; the flatten goes on once it reads`,
    ]);
    expect(position(sim, "TSX5002", "ESZ6")).toBe(2);

    sim.control.failAccountReads("TSX5002", null);
    await eventually(() => engine.risk.snapshot("TSX5002")?.state === "LOCKED", "TSX5002 locked", 15_000);
    expect(position(sim, "TSX5002", "ESZ6")).toBe(0);
  }, 40_000);
});
