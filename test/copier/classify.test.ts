import { describe, expect, it } from "vitest";
import { classify } from "../../engine/copier/classify.js";

describe("classify a leader step", () => {
  it.each([
    [0, 2, "open"],
    [0, -2, "open"],
    [2, 3, "add"],
    [-2, -3, "add"],
    [4, 2, "reduce"],
    [-4, -2, "reduce"],
    [4, 0, "close"],
    [-4, 0, "close"],
    [4, -2, "flip"],
    [-1, 3, "flip"],
    [3, 3, undefined],
  ])("%i → %i is %s", (before, after, expected) => {
    expect(classify(before, after)).toBe(expected);
  });
});
