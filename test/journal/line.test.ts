import { describe, expect, it, vi } from "vitest";
import { IsoTimes } from "../../data/journal/line.js";

describe("IsoTimes", () => {
  it("writes what toISOString writes, for any time a journal entry can carry", () => {
    const times = new IsoTimes();
    const samples = [
      0, -0.5, 999.999, 1000, 59_999, 1_764_777_600_000, 1_764_777_600_001.7, 1_764_777_659_999,
      1_764_777_660_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, -62_198_755_200_000,
      8.64e15,
    ];
    let t = 1_764_777_599_000;
    for (let i = 0; i < 5000; i++) {
      t += [0, 1, 3, 999, 1000, 86_399_999][i % 6]!;
      samples.push(t, t + 0.25);
    }
    for (const ms of samples) expect(times.of(ms)).toBe(new Date(ms).toISOString());
  });

  it("makes a second's text once, not once per millisecond of it", () => {
    const times = new IsoTimes();
    const iso = vi.spyOn(Date.prototype, "toISOString");
    try {
      for (let ms = 1_764_777_600_000; ms < 1_764_777_602_000; ms++) times.of(ms);
      expect(iso.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      iso.mockRestore();
    }
  });

  it("throws for a time no Date holds, as toISOString does", () => {
    expect(() => new IsoTimes().of(8.64e15 + 1)).toThrow(RangeError);
  });
});
