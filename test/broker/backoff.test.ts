import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../engine/broker/backoff.js";

describe("backoffDelay", () => {
  const opts = { initialMs: 100, maxMs: 5000 };

  it("doubles per attempt within half-to-full jitter", () => {
    expect(backoffDelay(0, opts, () => 0)).toBe(50);
    expect(backoffDelay(0, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 1)).toBe(800);
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
  });

  it("caps at maxMs and never reaches zero", () => {
    expect(backoffDelay(50, opts, () => 1)).toBe(5000);
    expect(backoffDelay(50, opts, () => 0)).toBe(2500);
    for (let a = 0; a < 40; a++) expect(backoffDelay(a, opts)).toBeGreaterThan(0);
  });
});
