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
    const out = leftOpenBy(login(account, netPos), before, { ...before, accounts: [] });
    if (said === undefined) expect(out).toEqual([]);
    else {
      expect(out).toHaveLength(1);
      expect(out[0]).toContain(`connection x was taken out of the config ${said}`);
      expect(out[0]).toMatch(/or add the login back$/);
    }
  });
});

describe("leftOpenBy: a login renamed (its accounts moved to the new name)", () => {
  it("says nothing of an account still followed under the new login's name", () => {
    const next = structuredClone(before);
    next.connections = next.connections.map((c) => (c.name === "c-A" ? { ...c, name: "c-A2" } : c));
    next.accounts = next.accounts.map((a) => (a.name === "A" ? { ...a, connection: "c-A2" } : a));
    expect(leftOpenBy({ ...login("A", 2), connection: "c-A" }, before, next)).toEqual([]);
    // Taken out with its account, it still says what it leaves open.
    const gone = { ...next, accounts: next.accounts.filter((a) => a.name !== "A") };
    expect(leftOpenBy({ ...login("A", 2), connection: "c-A" }, before, gone)).toHaveLength(1);
  });
});
