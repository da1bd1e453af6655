import { describe, expect, it } from "vitest";
import type { Follower, Group } from "../../data/schema.js";
import { entriesHeld } from "../../engine/mirror/settings.js";
import { describeEvent } from "../../src/headless/format.js";

const follower: Follower = {
  account: "F1",
  enabled: true,
  sizing: { mode: "multiplier", value: 1 },
  mapping: "none",
  limits: {},
};
const group: Group = {
  name: "G",
  active: true,
  leader: "L",
  copy: "orders",
  whitelist: { enabled: false, symbols: [] },
  followers: [follower],
};

describe("issue 16: a group's trading window holds mirrored entries back like a lock", () => {
  it.each([
    [{ state: "ACTIVE" as const }, undefined],
    [{ state: "ACTIVE" as const, window: "blackout: CPI" as const }, "blackout: CPI"],
    [{ state: "ACTIVE" as const, window: "outside trading hours" as const }, "outside trading hours"],
    [{ state: "LOCKED" as const, window: "flat by 15:55 CT" as const }, "locked"],
  ])("%o → %s", (gate, reason) => {
    expect(entriesHeld(group, follower, gate, "NQZ6")).toBe(reason);
  });
});

describe("issue 16: the headless line of a window change", () => {
  it("says what holds openings back and what comes next; a group without windows says so", () => {
    const at = Date.parse("2026-06-16T20:00:00Z");
    expect(
      describeEvent({
        type: "window",
        at: 1,
        group: "NQ",
        held: "blackout: CPI",
        next: { at, text: "openings open 07:45 CT" },
      }),
    ).toBe(
      "WINDW NQ: openings held back: blackout: CPI; next: openings open 07:45 CT (2026-06-16T20:00:00.000Z)",
    );
    expect(
      describeEvent({ type: "window", at: 1, group: "NQ", next: { at, text: "openings close 15:00 CT" } }),
    ).toBe("WINDW NQ: openings allowed; next: openings close 15:00 CT (2026-06-16T20:00:00.000Z)");
    expect(describeEvent({ type: "window", at: 1, group: "NQ" })).toBe("WINDW NQ: no trading windows");
  });
});
