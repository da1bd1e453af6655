import { describe, expect, it } from "vitest";
import type { AccountRole } from "../../engine/accounts/directory.js";
import type { FollowerGate } from "../../engine/copier/ports.js";
import { asideReason, Standing } from "../../engine/copier/standing.js";
import { SKIP_REASONS } from "../../engine/types.js";
import { buildConfig } from "./harness.js";

function setup() {
  const config = buildConfig([
    { name: "g", leader: "L", followers: [{ account: "A" }, { account: "B", shadow: true }] },
  ]);
  const group = config.groups[0]!;
  const looked: string[] = [];
  const gates = new Map<string, FollowerGate>();
  const standing = new Standing({
    accounts: {
      role: (name): AccountRole | undefined => {
        const follower = group.followers.find((f) => f.account === name);
        return follower ? { kind: "follower", group, follower } : undefined;
      },
    },
    gate: (name) => gates.get(name) ?? { state: "ACTIVE" },
    watch: { expectedChanged: (_, f) => looked.push(f.account) },
  });
  return { config, group, looked, gates, standing };
}

describe("Standing: OUT OF SYNC looks again as a follower stands aside or comes back", () => {
  it("a lock, its unlock and a lock the roll clears each give a look; the same state again does not", () => {
    const t = setup();
    t.standing.riskState("A", "LOCKED", "manual");
    t.standing.riskState("A", "LOCKED", "manual");
    t.standing.riskState("A", "ACTIVE", undefined);
    expect(t.looked).toEqual(["A", "A"]);
  });

  it("an unlock that stopped mimik's flatten is left to the flatten's make-up; the broker's liquidation-only clearing is not", () => {
    const t = setup();
    t.standing.riskState("A", "LIQUIDATE_ONLY", "manual");
    t.standing.riskState("A", "ACTIVE", undefined);
    t.standing.riskState("A", "LIQUIDATE_ONLY", SKIP_REASONS.brokerLocked);
    t.standing.riskState("A", "ACTIVE", undefined);
    expect(t.looked).toEqual(["A", "A", "A"]);
  });

  it("a shadow is never looked at", () => {
    const t = setup();
    t.standing.riskState("B", "LOCKED", "manual");
    expect(t.looked).toEqual([]);
  });

  it("a config edit that switches a follower or pauses its group gives it a look; other edits do not", () => {
    const t = setup();
    t.standing.setConfig(t.config);
    const edit = (change: (c: typeof t.config) => void) => {
      const next = structuredClone(t.config);
      change(next);
      t.standing.setConfig(next);
      t.config = next;
    };
    edit((c) => {
      c.groups[0]!.followers[0]!.maxContracts = 3;
    });
    edit((c) => {
      c.groups[0]!.followers[0]!.enabled = false;
    });
    edit((c) => {
      c.groups[0]!.active = false;
    });
    edit((c) => {
      c.groups[0]!.followers[0]!.enabled = true;
    });
    edit((c) => {
      c.groups[0]!.active = true;
    });
    expect(t.looked).toEqual(["A", "A"]);
  });

  it("asideReason: the trader's switches first, then the locks", () => {
    const t = setup();
    const a = t.group.followers[0]!;
    const deps = { gate: (name: string) => t.gates.get(name) ?? { state: "ACTIVE" as const } };
    expect(asideReason(deps, t.group, a)).toBeUndefined();
    t.gates.set("A", { state: "ACTIVE", brokerLocked: true });
    expect(asideReason(deps, t.group, a)).toBe(SKIP_REASONS.brokerLocked);
    t.gates.set("A", { state: "LOCKED", window: "outside trading hours" });
    expect(asideReason(deps, t.group, a)).toBe(SKIP_REASONS.locked);
    expect(asideReason(deps, { ...t.group, active: false }, a)).toBe(SKIP_REASONS.groupPaused);
    // A trading window or stale prices hold openings, but are no choice to stand aside.
    t.gates.set("A", { state: "ACTIVE", window: "outside trading hours", pricesStale: true });
    expect(asideReason(deps, t.group, a)).toBeUndefined();
  });
});
