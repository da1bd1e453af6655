import { afterEach, describe, expect, it } from "vitest";
import type { CopyEvent } from "../../engine/types.js";
import { screenView } from "../../src/app/buildScreen.js";
import { layout } from "../../src/screen/layout.js";
import { INITIAL_SCREEN } from "../../src/screen/screenState.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * Issue 16 part 5: a shadow follower, on the simulator's book. DEMO2003 (×1) is a shadow: every
 * decision is made for it and recorded, and the simulator never sees an order for it.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function withShadow(limits: Record<string, number> = {}) {
  const config = simConfig();
  const f = config.groups[0]!.followers.find((x) => x.account === "DEMO2003")!;
  f.shadow = true;
  f.limits = limits;
  return config;
}

const ordersFor = (r: Rig, account: string) =>
  r.sim.control.records().orders.filter((o) => o.accountName === account);
const copiesTo = (r: Rig, follower: string) =>
  r.events.filter((e): e is CopyEvent => e.type === "copy" && e.follower === follower);

function screenOf(r: Rig) {
  const store = new EngineStore();
  store.setConfig(r.engine.currentConfig());
  for (const e of r.events) store.push(e);
  store.publish();
  return screenView(store.getSnapshot(), INITIAL_SCREEN, {
    mode: "SIM",
    now: Date.now(),
    layout: layout(120, 40),
  });
}

describe("issue 16: shadow followers", () => {
  it("decides and records what it would send, tracks the would-be position, and places nothing", async () => {
    rig = await startRig(withShadow());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003") && engine.directory.route("DEMO2001"), "sync");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 1, "the live follower copied");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 2, "the live follower added");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 3);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 0, "the live follower closed");
    // A flip of the leader: the shadow crosses from its would-be long, exactly as a live one.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 2);
    await eventually(() => copiesTo(rig!, "DEMO2003").length === 5, "five decisions for the shadow");

    const shadow = copiesTo(rig, "DEMO2003").map((e) => [
      e.outcome,
      e.kind,
      e.side,
      e.qty,
      e.contract,
      e.reason,
    ]);
    expect(shadow).toEqual([
      ["shadow", "open", "Buy", 2, "NQZ6", "copied"],
      ["shadow", "add", "Buy", 1, "NQZ6", "copied"],
      ["shadow", "close", "Sell", 3, "NQZ6", "copied"],
      ["shadow", "open", "Buy", 1, "NQZ6", "copied"],
      ["shadow", "flip", "Sell", 2, "NQZ6", "copied"],
    ]);
    expect(ordersFor(rig, "DEMO2003")).toEqual([]);
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(0);
    // The one place orders leave refuses a shadow like a leader, whoever asks.
    const route = engine.directory.route("DEMO2003")!;
    const order = { follower: "DEMO2003", session: route.session, accountId: route.accountId };
    expect(() =>
      engine.gateway.placeMarket({ ...order, symbol: "NQZ6", side: "Buy", qty: 1, clOrdId: "mk-test-1" }),
    ).toThrow(/shadow follower: nothing is ever sent/);

    // The fills pane says what would have been sent; the followers pane marks the shadow.
    const { vm } = screenOf(rig);
    const results = vm.fills
      .flatMap((f) => Array.from({ length: f.results.length }, (_, i) => f.results.at(i)))
      .filter((r) => r?.follower === "DEMO2003");
    expect(results.map((r) => [r?.outcome, r?.reason])).toContainEqual([
      "shadow",
      "would BUY 2 NQZ6: copied",
    ]);
    expect(results.map((r) => [r?.outcome, r?.reason])).toContainEqual([
      "shadow",
      "would SELL 3 NQZ6: copied",
    ]);
    expect(vm.followers.find((f) => f.account === "DEMO2003")?.shadow).toBe(true);
  });

  it("its risk is its would-be position at live prices: a breach flattens and locks it, and still nothing is sent", async () => {
    rig = await startRig(withShadow({ dailyLoss: 500 }));
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(
      () =>
        rig!.events.some(
          (e) => e.type === "positions" && e.account === "DEMO2003" && e.positions[0]?.netPos === 2,
        ),
      "the shadow's would-be position",
    );
    await eventually(() => engine.risk.snapshot("DEMO2003")?.netLiq !== undefined, "the shadow valued");
    // 2 NQ × $20 × 20 points = $800 against the shadow's would-be position: past its $500.
    sim.control.jumpPrice("NQZ6", -20);
    await eventually(() => engine.risk.snapshot("DEMO2003")?.state === "LOCKED", "the shadow locked");
    expect(engine.risk.snapshot("DEMO2003")).toMatchObject({ lockKind: "daily" });
    expect(engine.risk.snapshot("DEMO2003")!.dayPnl!).toBeLessThanOrEqual(-500);
    expect(
      rig.events.some(
        (e) => e.type === "alert" && /DEMO2003: SHADOW would SELL 2 NQZ6 to flatten/.test(e.message),
      ),
    ).toBe(true);
    expect(ordersFor(rig, "DEMO2003")).toEqual([]);
    // A locked shadow's next opening is skipped as a live follower's would be.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => copiesTo(rig!, "DEMO2003").some((e) => e.reason === "locked"), "a 'locked' skip");
    expect(ordersFor(rig, "DEMO2003")).toEqual([]);
    // A resync by hand is refused: it would send.
    expect(await engine.resync("DEMO2003")).toMatchObject({ status: "refused" });
  });
});
