import { afterEach, describe, expect, it, vi } from "vitest";
import { sameLines } from "../../engine/runtime/shadows.js";
import type { EngineEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

describe("sameLines: an account's open lines compared as their JSON text was", () => {
  const es = (netPos: number) => ({ contract: "ESZ6", netPos });
  it("says the same only for the same contracts and positions in the same order", () => {
    expect(sameLines([es(1)], [es(1)])).toBe(true);
    expect(sameLines([], [])).toBe(true);
    expect(sameLines(undefined, [])).toBe(false);
    expect(sameLines([es(1)], [es(2)])).toBe(false);
    expect(sameLines([es(1)], [{ contract: "NQZ6", netPos: 1 }])).toBe(false);
    expect(sameLines([es(1)], [es(1), { contract: "NQZ6", netPos: 1 }])).toBe(false);
    expect(
      sameLines([es(1), { contract: "NQZ6", netPos: 1 }], [{ contract: "NQZ6", netPos: 1 }, es(1)]),
    ).toBe(false);
    // JSON writes -0 as 0.
    expect(sameLines([es(0)], [es(-0)])).toBe(true);
  });
});

let rig: Rig | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await rig?.close();
  rig = undefined;
});

const shown = (events: readonly EngineEvent[], account: string) =>
  events.flatMap((e) => (e.type === "positions" && e.account === account ? [e.positions] : []));

describe("the positions an account shows (real client, real engine)", () => {
  it("are told when they change, once, without making each account's positions into text", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const accounts = ["DEMO1000", "DEMO2001", "DEMO2002", "DEMO2003"];
    await eventually(() => accounts.every((a) => engine.directory.connected(a)), "the session to sync");
    await eventually(() => shown(rig!.events, "DEMO2003").length > 0, "the first positions");
    // Counted from here: the journal and the outbox turn whole events into text, never a bare array of lines.
    const stringify = vi.spyOn(JSON, "stringify");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 3);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 3, "DEMO2003 to hold +3 NQZ6");
    await eventually(() => shown(rig!.events, "DEMO2003").at(-1)?.[0]?.netPos === 3, "DEMO2003's +3 shown");
    const lines = stringify.mock.calls.filter(
      ([value]) => Array.isArray(value) && "netPos" in (value[0] ?? {}),
    );
    expect(lines).toEqual([]);
    // Each follower's +3 told once, however many position events said it.
    const told = shown(rig.events, "DEMO2003");
    expect(told.filter((p) => p[0]?.netPos === 3)).toHaveLength(1);
    expect(told.at(0)).toEqual([]);
  });
});
