import { describe, expect, it } from "vitest";
import { configSchema } from "../../data/schema.js";
import { unknownFollower, unknownGroup } from "../../src/text/unknownNames.js";

const followers = Array.from({ length: 10 }, (_, i) => `F${i + 1}`);
const config = configSchema.parse({
  version: 1,
  connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "X" } }],
  accounts: [
    { name: "L1", connection: "sim" },
    { name: "SPARE", connection: "sim" },
    ...followers.map((name, i) => ({ name, connection: "sim", ...(i === 0 ? { label: "half" } : {}) })),
  ],
  groups: [
    {
      name: "main",
      leader: "L1",
      followers: followers.map((account) => ({ account, sizing: { mode: "fixed", contracts: 1 } })),
    },
  ],
});

describe("what a mistyped name is told", () => {
  it("a known follower, leader, label or group in any case is not unknown", () => {
    for (const name of ["F2", "f2", " HALF ", "L1"]) expect(unknownFollower(config, name)).toBeUndefined();
    expect(unknownGroup(config, "MAIN")).toBeUndefined();
  });

  it("a typo is answered with the nearest name (a label too), and a long list is cut", () => {
    expect(unknownFollower(config, "hlf")).toBe(
      'no follower named "hlf" in the config; did you mean F1 (half)? ' +
        "(followers: F1 (half), F2, F3, F4, F5, F6, F7, F8 and 2 more)",
    );
    expect(unknownGroup(config, "mian")).toBe(
      'no group named "mian" in the config; did you mean main? (groups: main)',
    );
  });

  it("an account the config has but no group uses says so", () => {
    expect(unknownFollower(config, "spare")).toMatch(
      /^SPARE is in the config's accounts but in no group \(followers: F1/,
    );
  });
});
