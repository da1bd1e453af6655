import { describe, expect, it } from "vitest";
import { remembered } from "../../src/text/remembered.js";

describe("remembered", () => {
  it("computes an answer once per argument, an undefined answer included", () => {
    const asked: string[] = [];
    const lookUp = remembered((key: string) => {
      asked.push(key);
      return key === "none" ? undefined : key.length;
    }, 10);
    expect([lookUp("ab"), lookUp("ab"), lookUp("none"), lookUp("none")]).toEqual([
      2,
      2,
      undefined,
      undefined,
    ]);
    expect(asked).toEqual(["ab", "none"]);
  });

  it("starts again past its bound, and still answers right", () => {
    let computed = 0;
    const square = remembered((n: number) => {
      computed += 1;
      return n * n;
    }, 3);
    for (const n of [1, 2, 3]) square(n);
    expect(computed).toBe(3);
    expect(square(4)).toBe(16); // the fourth clears the three before it
    expect(computed).toBe(4);
    expect(square(1)).toBe(1);
    expect(computed).toBe(5);
    expect(square(4)).toBe(16);
    expect(computed).toBe(5);
  });
});
