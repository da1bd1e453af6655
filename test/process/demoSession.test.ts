import { afterEach, describe, expect, it } from "vitest";
import { type SimThread, startSimThread } from "../../src/process/simThread.js";

/**
 * The demo shows copying at any hour: its simulator keeps no session, so on a weekend or in the
 * daily halt its market still moves and the demo's brackets still fill. (`mimik sim` and an
 * embedded simulator named in a config follow the session, as a broker does.)
 */
let sim: SimThread | undefined;
const saved = process.env.MIMIK_SIM_CLOCK;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (saved === undefined) delete process.env.MIMIK_SIM_CLOCK;
  else process.env.MIMIK_SIM_CLOCK = saved;
});

async function price(url: string): Promise<number> {
  const reply = await fetch(`${url}/sim/price?symbol=ESZ6`);
  return ((await reply.json()) as { price: number }).price;
}

describe("the demo's simulator", () => {
  it("moves its market on a Saturday", async () => {
    // A session simulator would start on this Saturday and stand still until Sunday's reopen.
    process.env.MIMIK_SIM_CLOCK = "2026-12-05T18:00:00Z";
    sim = await startSimThread({ demo: { leader: "DEMO1000", intervalMs: 60_000 } });
    const first = await price(sim.url);
    let now = first;
    for (let i = 0; i < 150 && now === first; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await price(sim.url);
    }
    expect(now).not.toBe(first);
  }, 30_000);
});
