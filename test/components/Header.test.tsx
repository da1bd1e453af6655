import { describe, expect, it } from "vitest";
import { count, span } from "../../components/Header.js";

describe("header budget counts", () => {
  it("shortens large budgets and keeps small ones exact", () => {
    expect([count(80), count(4999), count(99_982), count(999_982), count(1_200_000)]).toEqual([
      "80",
      "4999",
      "99k",
      "999k",
      "1.2M",
    ]);
  });
});

describe("how long the budget lasts", () => {
  it("minutes under an hour, hours and minutes above", () => {
    expect([span(59_999), span(42 * 60_000), span(125 * 60_000)]).toEqual(["0m", "42m", "2h05"]);
  });
});
