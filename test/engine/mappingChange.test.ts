import { describe, expect, it } from "vitest";
import type { Config, Mapping } from "../../data/schema.js";
import { strandedByMapping } from "../../engine/runtime/mappingChange.js";
import type { AccountRoute } from "../../engine/types.js";
import { buildConfig } from "../copier/harness.js";

/** A route whose session holds `positions`, as the account directory gives it. */
const holding = (positions: { contract: string; netPos: number }[]) => ({
  route: () => ({ accountId: 1, session: { positions: () => positions } }) as unknown as AccountRoute,
});

const withMapping = (mapping: Mapping): Config =>
  buildConfig([{ name: "g", leader: "L", followers: [{ account: "A", mapping }] }]);

describe("strandedByMapping: a mapping changed while the follower holds what the old one put there", () => {
  it.each([
    // [old, new, held contract, stranded?]
    ["none", "toMicro", "ESZ6", true],
    ["none", "toMicro", "MESZ6", false],
    ["none", "toMicro", "CLZ6", true],
    ["none", "toMicro", "6EZ6", false],
    ["toMicro", "none", "MESZ6", true],
    ["toMicro", "toMini", "MNQZ6", true],
    ["toMini", "none", "ESZ6", true],
    ["toMini", "none", "NQZ6", true],
    ["none", "toMini", "ESZ6", false],
    ["none", "none", "ESZ6", false],
  ] as const)("%s → %s holding %s: stranded %s", (was, now, contract, stranded) => {
    const out = strandedByMapping(withMapping(was), withMapping(now), holding([{ contract, netPos: 2 }]));
    expect(out.length > 0).toBe(stranded);
    if (stranded)
      expect(out[0]?.message).toContain(
        `A: its mapping changed from ${was} to ${now} while it holds ${contract} +2`,
      );
  });

  it("says nothing for a flat follower, a new follower or the first config", () => {
    const flat = holding([{ contract: "ESZ6", netPos: 0 }]);
    expect(strandedByMapping(withMapping("none"), withMapping("toMicro"), flat)).toEqual([]);
    const held = holding([{ contract: "ESZ6", netPos: 1 }]);
    expect(strandedByMapping(undefined, withMapping("toMicro"), held)).toEqual([]);
    const other = buildConfig([{ name: "g", leader: "L", followers: [{ account: "B" }] }]);
    expect(strandedByMapping(other, withMapping("toMicro"), held)).toEqual([]);
  });
});
