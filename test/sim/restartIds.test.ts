import { afterEach, describe, expect, it } from "vitest";
import { firstIdAt } from "../../engine/sim/book.js";
import type { SimRecords, Simulator } from "../../engine/sim/index.js";
import { get, post, startSim, WEDNESDAY_AFTERNOON } from "./helpers.js";

/**
 * A simulator started again never gives an id the last one gave, as a broker never does: mimik
 * remembers the leader fills it acted on across restarts by their ids, and a restarted simulator
 * that began again at the same ids had its leader's next fills skipped as already copied.
 */
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** One run of a simulator whose session clock is pinned: the leader buys 1; its order and fill ids. */
async function oneRun(): Promise<{ orderId: number; fillIds: number[] }> {
  sim = await startSim({ clock: WEDNESDAY_AFTERNOON });
  const placed = await post(sim, "/sim/trade", {
    account: "DEMO1000",
    symbol: "ESZ6",
    action: "Buy",
    qty: 1,
  });
  const { orderId } = placed.json as { orderId: number };
  const records = (await get(sim, "/sim/records")).json as SimRecords;
  const fillIds = records.fills.map((f) => f.fillId);
  await sim.close();
  sim = undefined;
  return { orderId, fillIds };
}

describe("the simulator's ids across restarts", () => {
  it("a second simulator's order and fill ids are past every one the first gave, its clock pinned alike", async () => {
    const first = await oneRun();
    await new Promise((r) => setTimeout(r, 5));
    const second = await oneRun();
    expect(first.fillIds.length).toBeGreaterThan(0);
    expect(second.orderId).toBeGreaterThan(first.orderId);
    expect(Math.min(...second.fillIds)).toBeGreaterThan(Math.max(...first.fillIds));
  });

  it("starts 100 ids a millisecond apart, above the ids of Tradovate's size, and never below", () => {
    const at = Date.UTC(2026, 11, 3, 8, 30);
    expect(firstIdAt(at + 1)).toBe(firstIdAt(at) + 100);
    expect(firstIdAt(at + 1000) - firstIdAt(at)).toBe(100_000);
    expect(firstIdAt(0)).toBe(100_000_000_001);
    expect(Number.isSafeInteger(firstIdAt(Date.UTC(2100, 0, 1)))).toBe(true);
  });
});
