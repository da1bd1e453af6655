import { describe, expect, it } from "vitest";
import { leftOpenBy } from "../../engine/runtime/droppedLogin.js";
import { buildConfig } from "../copier/harness.js";

/** A login whose one account, `name`, holds `netPos` ESZ6. */
const login = (name: string, netPos: number) => ({
  connection: "x",
  accounts: () => [{ id: 7, name }],
  positions: () => [{ contract: "ESZ6", netPos }] as never,
});

const before = buildConfig([
  { name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }, { account: "S", shadow: true }] },
  { name: "alone", leader: "M", followers: [] },
]);

describe("leftOpenBy: what a login taken out of the config leaves open", () => {
  it.each([
    // [account, netPos, what is said]
    ["A", 2, "while follower A holds ESZ6 +2; mimik no longer closes it with its leader"],
    ["A", -1, "while follower A holds ESZ6 -1; mimik no longer closes it with its leader"],
    ["L", 3, "while leader L holds ESZ6 +3; its followers' copies (A, B) no longer follow its exits"],
    ["A", 0, undefined],
    // A shadow never held a copy; a leader without followers has no copies out.
    ["S", 2, undefined],
    ["M", 2, undefined],
    // An account in no group is the trader's own business.
    ["Z", 2, undefined],
  ] as const)("%s holding %i: %s", (account, netPos, said) => {
    const out = leftOpenBy(login(account, netPos), before);
    if (said === undefined) expect(out).toEqual([]);
    else {
      expect(out).toHaveLength(1);
      expect(out[0]).toContain(`connection x was taken out of the config ${said}`);
      expect(out[0]).toMatch(/or add the login back$/);
    }
  });
});
