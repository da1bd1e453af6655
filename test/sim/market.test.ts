import { describe, expect, it } from "vitest";
import { Market } from "../../engine/sim/market.js";
import { seededRandom } from "../../engine/sim/random.js";

const products = [{ name: "ES", tickSize: 0.25, price: 6800 }];

/** The prices a market's listeners hear over 20 steps. */
function heard(market: Market): number[] {
  const out: number[] = [];
  market.onChange((_, price) => out.push(price));
  for (let i = 0; i < 20; i++) market.step();
  return out;
}

describe("the simulator's market", () => {
  it("walks its prices a step at a time, and holds them still with the walk off", () => {
    expect(heard(new Market(products, seededRandom(1))).length).toBeGreaterThan(5);

    const still = new Market(products, seededRandom(1));
    still.walking = false;
    expect(heard(still)).toEqual([]);
    expect(still.price("ES")).toBe(6800);
    // A price set by hand still moves.
    expect(still.set("ES", 6801)).toBe(6801);
  });
});
