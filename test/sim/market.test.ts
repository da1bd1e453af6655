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

  it("prices a micro at its mini's price: walked, set or jumped, both move together and are both heard", () => {
    const market = new Market(
      [
        { name: "ES", tickSize: 0.25, price: 6800 },
        { name: "MES", tickSize: 0.25, price: 6790 },
        { name: "NQ", tickSize: 0.25, price: 25_000 },
        { name: "CL", tickSize: 0.01, price: 60 },
      ],
      seededRandom(7),
    );
    expect(market.price("MESZ6")).toBe(6800);
    const told: [string, number][] = [];
    market.onChange((product, price) => told.push([product, price]));
    for (let i = 0; i < 200; i++) market.step();
    expect(market.price("MESZ6")).toBe(market.price("ESZ6"));
    expect(market.price("ESZ6")).not.toBe(6800);
    market.set("MESZ6", 6700);
    expect(market.price("ESH7")).toBe(6700);
    market.jump("ES", 1.5);
    expect(market.price("MES")).toBe(6701.5);
    expect(told.slice(-2)).toEqual([
      ["ES", 6701.5],
      ["MES", 6701.5],
    ]);
    // NQ, with no micro here, walks as before.
    expect(market.price("NQZ6")).not.toBe(25_000);
  });
});
