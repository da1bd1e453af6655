import { describe, expect, it } from "vitest";
import type { Follower, Group } from "../../data/schema.js";
import { entriesHeld } from "../../engine/mirror/settings.js";

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
