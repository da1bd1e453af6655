import { describe, expect, it } from "vitest";
import type { DecideInput } from "../../engine/copier/decide.js";
import { COPY_REASONS, closeOnlyReason, decide } from "../../engine/copier/decide.js";
import type { GateContext } from "../../engine/copier/gates.js";
import { target } from "../../engine/copier/sizing.js";
import { DEFAULT_MAX_CONTRACTS, SKIP_REASONS } from "../../engine/types.js";
import { decideInput } from "./decideInput.js";

const half = { mode: "multiplier", value: 0.5 } as const;
const one = { mode: "multiplier", value: 1 } as const;

const input = (patch: Partial<DecideInput> & Pick<DecideInput, "leaderBefore" | "leaderAfter">) =>
  decideInput({ sizing: one, ...patch });

const sent = (kind: string, delta: number, reason: string = COPY_REASONS.copied) =>
  expect.objectContaining({ action: "send", kind, delta, reason });
const skipped = (reason: string) => expect.objectContaining({ action: "skip", reason });

describe("design.md §2, row by row", () => {
  it("opening with a multiplier: T(L_after) − T(L_before)", () => {
    expect(decide(input({ sizing: half, leaderBefore: 0, leaderAfter: 4 }))).toEqual(sent("open", 2));
    expect(decide(input({ sizing: half, leaderBefore: 0, leaderAfter: -1 }))).toEqual(sent("open", -1));
  });

  it("m=0.5, fills 1+3+1 → +1, +1, +1", () => {
    let f = 0;
    const deltas: number[] = [];
    for (const [b, a] of [
      [0, 1],
      [1, 4],
      [4, 5],
    ] as const) {
      const d = decide(input({ sizing: half, leaderBefore: b, leaderAfter: a, follower: f }));
      if (d.action !== "send") throw new Error(`expected a send, got ${d.reason}`);
      deltas.push(d.delta);
      f += d.delta;
    }
    expect(deltas).toEqual([1, 1, 1]);
  });

  it("m=0.1 scaling in ten times: 1 then 'rounds to zero'", () => {
    const tenth = { mode: "multiplier", value: 0.1 } as const;
    expect(decide(input({ sizing: tenth, leaderBefore: 0, leaderAfter: 1 }))).toEqual(sent("open", 1));
    for (let l = 1; l < 10; l += 1) {
      expect(decide(input({ sizing: tenth, leaderBefore: l, leaderAfter: l + 1, follower: 1 }))).toEqual(
        skipped(SKIP_REASONS.roundsToZero),
      );
    }
  });

  it("fixed: N on the first fill of an opening order, nothing on its later fills", () => {
    const fixed = { mode: "fixed", contracts: 3 } as const;
    expect(decide(input({ sizing: fixed, leaderBefore: 0, leaderAfter: 1 }))).toEqual(sent("open", 3));
    expect(
      decide(
        input({
          sizing: fixed,
          leaderBefore: 1,
          leaderAfter: 2,
          follower: 3,
          firstOpeningFillOfOrder: false,
        }),
      ),
    ).toEqual(skipped(SKIP_REASONS.fixedLaterFill));
    // a new adding order gets N again
    expect(decide(input({ sizing: fixed, leaderBefore: 2, leaderAfter: 3, follower: 3 }))).toEqual(
      sent("add", 3),
    );
  });

  it("max contracts: cap 3, follower 2, leader adds → +1", () => {
    expect(decide(input({ leaderBefore: 2, leaderAfter: 4, follower: 2, maxContracts: 3 }))).toEqual(
      sent("add", 1, COPY_REASONS.capped),
    );
    expect(decide(input({ leaderBefore: 3, leaderAfter: 4, follower: 3, maxContracts: 3 }))).toEqual(
      skipped(SKIP_REASONS.maxContracts),
    );
  });

  it("max contracts never caps a close or a reduction", () => {
    expect(decide(input({ leaderBefore: 9, leaderAfter: 0, follower: 9, maxContracts: 3 }))).toEqual(
      sent("close", -9),
    );
    expect(decide(input({ leaderBefore: 8, leaderAfter: 4, follower: 8, maxContracts: 3 }))).toEqual(
      sent("reduce", -4),
    );
  });

  it("a follower held at its cap reduces only once the rule gives less than the cap", () => {
    const two = { mode: "multiplier", value: 2 } as const;
    const at = (leaderBefore: number, leaderAfter: number, follower: number) =>
      decide(input({ sizing: two, maxContracts: 3, leaderBefore, leaderAfter, follower }));
    expect(at(3, 2, 3)).toEqual(skipped(SKIP_REASONS.stillCapped));
    expect(at(2, 1, 3)).toEqual(sent("reduce", -1));
    expect(at(-4, -2, -3)).toEqual(skipped(SKIP_REASONS.stillCapped));
    // m = 1, cap 4, leader 5 → 4, follower held at 4: the rule after gives exactly the cap. It
    // was told "rounds to zero", which a trader reads as a sizing quirk, not the cap.
    const one = { mode: "multiplier", value: 1 } as const;
    const atOne = decide(
      input({ sizing: one, maxContracts: 4, leaderBefore: 5, leaderAfter: 4, follower: 4 }),
    );
    expect(atOne).toEqual(skipped(SKIP_REASONS.stillCapped));
    // Below its capped rule (a missed copy, a manual trade): its own fraction, as before.
    expect(at(3, 2, 2)).toEqual(sent("reduce", -1));
    const big = { mode: "multiplier", value: 10 } as const;
    const cap = DEFAULT_MAX_CONTRACTS;
    expect(decide(input({ sizing: big, leaderBefore: 8, leaderAfter: 6, follower: cap }))).toEqual(
      skipped(SKIP_REASONS.stillCapped),
    );
  });

  it("reducing: F=3, L 4→2 → F 2 (1.5 rounds up)", () => {
    expect(decide(input({ leaderBefore: 4, leaderAfter: 2, follower: 3 }))).toEqual(sent("reduce", -1));
    expect(decide(input({ leaderBefore: -4, leaderAfter: -2, follower: -3 }))).toEqual(sent("reduce", 1));
  });

  it("reducing a tiny follower can round to zero, and never over-closes", () => {
    expect(decide(input({ leaderBefore: 10, leaderAfter: 9, follower: 1 }))).toEqual(
      skipped(SKIP_REASONS.roundsToZero),
    );
    expect(decide(input({ leaderBefore: 10, leaderAfter: 1, follower: 1 }))).toEqual(sent("reduce", -1));
  });

  it("leader flat: follower closes its whole position (manual extras included)", () => {
    expect(decide(input({ leaderBefore: 4, leaderAfter: 0, follower: 5 }))).toEqual(sent("close", -5));
    expect(decide(input({ leaderBefore: -4, leaderAfter: 0, follower: -2 }))).toEqual(sent("close", 2));
  });

  it("flip: F=+2, L +4 → −2, m=0.5 → sell 3", () => {
    expect(decide(input({ sizing: half, leaderBefore: 4, leaderAfter: -2, follower: 2 }))).toEqual(
      sent("flip", -3),
    );
  });

  it("flip from the short side: F=−2, L −4 → +6, m=0.5 → buy 5", () => {
    expect(decide(input({ sizing: half, leaderBefore: -4, leaderAfter: 6, follower: -2 }))).toEqual(
      sent("flip", 5),
    );
  });

  it("flip with fixed sizing opens N on the new side", () => {
    const fixed = { mode: "fixed", contracts: 2 } as const;
    expect(decide(input({ sizing: fixed, leaderBefore: 1, leaderAfter: -1, follower: 2 }))).toEqual(
      sent("flip", -4),
    );
  });

  it("flip caps only the new side with max contracts", () => {
    expect(decide(input({ leaderBefore: 5, leaderAfter: -5, follower: 3, maxContracts: 3 }))).toEqual(
      sent("flip", -6),
    );
  });

  it("flip on a shared line: the cap counts what the line keeps for the leader's other contract", () => {
    // MES −1 → +2 beside ES +2 (toMicro, cap 2): the line keeps +1 for ES, so 1 more at most.
    const flip = { leaderBefore: -1, leaderAfter: 2, follower: 0, maxContracts: 2 };
    expect(decide(input({ ...flip, keptOnLine: 1 }))).toEqual(sent("flip", 1));
    expect(decide(input({ ...flip, keptOnLine: 2 }))).toEqual(skipped(SKIP_REASONS.maxContracts));
    expect(decide(input({ ...flip, keptOnLine: -1 }))).toEqual(sent("flip", 2));
  });

  it("flip under a lock still closes, the opening half is held back with its reason", () => {
    const d = decide(
      input({
        leaderBefore: 2,
        leaderAfter: -2,
        follower: 2,
        gate: { ...input({ leaderBefore: 0, leaderAfter: 0 }).gate, state: "LOCKED" },
      }),
    );
    expect(d).toEqual(sent("close", -2, closeOnlyReason(SKIP_REASONS.locked)));
  });

  it("flip of a flat, locked follower is skipped with the lock reason", () => {
    const gate = { ...input({ leaderBefore: 0, leaderAfter: 0 }).gate, state: "LOCKED" as const };
    expect(decide(input({ leaderBefore: 2, leaderAfter: -2, follower: 0, gate }))).toEqual(
      skipped(SKIP_REASONS.locked),
    );
  });

  it("follower already flat on a close or reduce: skipped quietly", () => {
    expect(decide(input({ leaderBefore: 3, leaderAfter: 0, follower: 0 }))).toEqual(
      skipped(SKIP_REASONS.alreadyFlat),
    );
    expect(decide(input({ leaderBefore: 3, leaderAfter: 1, follower: 0 }))).toEqual(
      skipped(SKIP_REASONS.alreadyFlat),
    );
  });
});

/** The follower's position after each leader position in `path`, taking every copy decide() sends. */
function followAlong(sizing: DecideInput["sizing"], path: readonly number[]): number[] {
  let leader = 0;
  let follower = 0;
  const held: number[] = [];
  for (const after of path) {
    const d = decide(
      input({ sizing, maxContracts: 1000, leaderBefore: leader, leaderAfter: after, follower }),
    );
    if (d.action === "send") follower += d.delta;
    leader = after;
    held.push(follower);
  }
  return held;
}

describe("a multiplier follower that takes every copy holds what its rule says, however the leader scales", () => {
  it("m=1.25, the leader scaling out and back in between -2 and -1: -3, -1, -3, -1, -3 (not -3, -2, -4, -2, -4)", () => {
    expect(followAlong({ mode: "multiplier", value: 1.25 }, [-2, -1, -2, -1, -2])).toEqual([
      -3, -1, -3, -1, -3,
    ]);
  });

  it.each([0.1, 0.25, 0.3, 0.5, 0.75, 1, 1.1, 1.25, 1.5, 2.5, 3])(
    "m=%d: T(L) after every step of a long random walk",
    (value) => {
      let seed = 7;
      const next = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const path: number[] = [];
      let leader = 0;
      while (path.length < 2000) {
        const step = (1 + Math.floor(next() * 3)) * (next() < 0.5 ? 1 : -1);
        const after = Math.max(-10, Math.min(10, leader + step));
        if (after === leader) continue;
        path.push(after);
        leader = after;
      }
      const m = Math.round(value * 1000);
      const held = followAlong({ mode: "multiplier", value }, path);
      const off = path.flatMap((l, i) =>
        held[i] === target(l, m) ? [] : [`step ${i}: leader ${l}, follower ${held[i]}, rule ${target(l, m)}`],
      );
      expect(off.slice(0, 3)).toEqual([]);
    },
  );
});

describe("gates: openings stopped, exits never", () => {
  const base = input({ leaderBefore: 0, leaderAfter: 0 }).gate;
  const holds: Array<[Partial<GateContext>, string]> = [
    [{ state: "LOCKED" as const }, SKIP_REASONS.locked],
    [{ state: "LIQUIDATE_ONLY" as const }, SKIP_REASONS.liquidateOnly],
    [{ brokerLocked: true }, SKIP_REASONS.brokerLocked],
    [{ whitelist: { enabled: true, symbols: ["NQ"] } }, SKIP_REASONS.notWhitelisted],
    [{ tradesLeft: 0 }, SKIP_REASONS.maxTrades],
  ];

  it.each(holds)("%o holds back an opening: %s", (patch, reason) => {
    expect(decide(input({ leaderBefore: 0, leaderAfter: 2, gate: { ...base, ...patch } }))).toEqual(
      skipped(reason),
    );
    expect(
      decide(input({ leaderBefore: 2, leaderAfter: 3, follower: 2, gate: { ...base, ...patch } })),
    ).toEqual(skipped(reason));
  });

  const exitsGo = holds.filter(([patch]) => patch.state !== "LIQUIDATE_ONLY");
  it.each(exitsGo)("%o never blocks a close or a reduction", (patch) => {
    const gate = { ...base, ...patch };
    expect(decide(input({ leaderBefore: 2, leaderAfter: 0, follower: 2, gate }))).toEqual(sent("close", -2));
    expect(decide(input({ leaderBefore: 4, leaderAfter: 2, follower: 4, gate }))).toEqual(sent("reduce", -2));
  });

  it("LIQUIDATE_ONLY leaves exits to the flatten under way: a copy beside its liquidation could sell twice", () => {
    const gate = { ...base, state: "LIQUIDATE_ONLY" as const };
    const flattening = skipped(SKIP_REASONS.flattening);
    expect(decide(input({ leaderBefore: 2, leaderAfter: 0, follower: 2, gate }))).toEqual(flattening);
    expect(decide(input({ leaderBefore: 4, leaderAfter: 2, follower: 4, gate }))).toEqual(flattening);
    expect(decide(input({ leaderBefore: 2, leaderAfter: -2, follower: 2, gate }))).toEqual(flattening);
  });

  it.each([
    [{ connected: false }, SKIP_REASONS.disconnected],
    [{ ordersBacklog: true }, SKIP_REASONS.ordersBacklog],
  ])("%o stops every copy, exits included: %s", (patch, reason) => {
    const gate = { ...base, ...patch };
    expect(decide(input({ leaderBefore: 0, leaderAfter: 2, gate }))).toEqual(skipped(reason));
    expect(decide(input({ leaderBefore: 2, leaderAfter: 0, follower: 2, gate }))).toEqual(skipped(reason));
  });

  it.each([
    [{ groupActive: false }, SKIP_REASONS.groupPaused],
    [{ followerEnabled: false }, SKIP_REASONS.followerDisabled],
  ])("%o (a pause, a disable) stops new exposure only: %s", (patch, reason) => {
    const gate = { ...base, ...patch };
    expect(decide(input({ leaderBefore: 0, leaderAfter: 2, gate }))).toEqual(skipped(reason));
    expect(decide(input({ leaderBefore: 2, leaderAfter: 3, follower: 2, gate }))).toEqual(skipped(reason));
    expect(decide(input({ leaderBefore: 2, leaderAfter: 0, follower: 2, gate }))).toEqual(sent("close", -2));
    expect(decide(input({ leaderBefore: 4, leaderAfter: 2, follower: 4, gate }))).toEqual(sent("reduce", -2));
    // a flip closes what the follower holds and opens nothing
    expect(decide(input({ leaderBefore: 2, leaderAfter: -2, follower: 2, gate }))).toEqual(
      sent("close", -2, closeOnlyReason(reason)),
    );
  });

  it("lock is checked before the whitelist, whitelist before max contracts, max contracts before trades", () => {
    const nq = { enabled: true, symbols: ["NQ"] };
    const all = { ...base, state: "LOCKED" as const, whitelist: nq, tradesLeft: 0 };
    const step = { leaderBefore: 3, leaderAfter: 4, follower: 3, maxContracts: 3 };
    expect(decide(input({ ...step, gate: all }))).toEqual(skipped(SKIP_REASONS.locked));
    expect(decide(input({ ...step, gate: { ...all, state: "ACTIVE" } }))).toEqual(
      skipped(SKIP_REASONS.notWhitelisted),
    );
    expect(decide(input({ ...step, gate: { ...all, state: "ACTIVE", whitelist: base.whitelist } }))).toEqual(
      skipped(SKIP_REASONS.maxContracts),
    );
    expect(
      decide(
        input({ ...step, maxContracts: 9, gate: { ...all, state: "ACTIVE", whitelist: base.whitelist } }),
      ),
    ).toEqual(skipped(SKIP_REASONS.maxTrades));
  });

  it("a later fill of an order already counted passes max trades per day", () => {
    const gate = { ...base, tradesLeft: 0, tradeAlreadyCounted: true };
    expect(decide(input({ leaderBefore: 1, leaderAfter: 2, follower: 1, gate }))).toEqual(sent("add", 1));
  });
});

describe(`the default cap: no max contracts set, an opening never takes a follower past ${DEFAULT_MAX_CONTRACTS}`, () => {
  const double = { mode: "multiplier", value: 2 } as const;
  const fixed = { mode: "fixed", contracts: 80 } as const;
  it.each([
    [
      "a 100 000-lot opening is capped at the default",
      { leaderBefore: 0, leaderAfter: 100_000 },
      sent("open", 50, COPY_REASONS.defaultCapped),
    ],
    [
      "on the short side too",
      { leaderBefore: 0, leaderAfter: -100_000 },
      sent("open", -50, COPY_REASONS.defaultCapped),
    ],
    [
      "an add that would pass it adds up to it",
      { leaderBefore: 40, leaderAfter: 60, follower: 40 },
      sent("add", 10, COPY_REASONS.defaultCapped),
    ],
    [
      "an add at the cap is skipped, with its reason",
      { leaderBefore: 50, leaderAfter: 51, follower: 50 },
      skipped(SKIP_REASONS.defaultCap),
    ],
    [
      "sizing counts: m=2 of 30 is 60, capped",
      { sizing: double, leaderBefore: 0, leaderAfter: 30 },
      sent("open", 50, COPY_REASONS.defaultCapped),
    ],
    [
      "fixed 80 is capped too",
      { sizing: fixed, leaderBefore: 0, leaderAfter: 1 },
      sent("open", 50, COPY_REASONS.defaultCapped),
    ],
    ["within the cap nothing changes", { leaderBefore: 0, leaderAfter: 50 }, sent("open", 50)],
    [
      "max contracts replaces it, above",
      { leaderBefore: 0, leaderAfter: 80, maxContracts: 100 },
      sent("open", 80),
    ],
    [
      "max contracts replaces it, below",
      { leaderBefore: 0, leaderAfter: 80, maxContracts: 3 },
      sent("open", 3, COPY_REASONS.capped),
    ],
    [
      "a close is never capped",
      { leaderBefore: 100_000, leaderAfter: 0, follower: 100_000 },
      sent("close", -100_000),
    ],
    [
      "a reduction is never capped",
      { leaderBefore: 200, leaderAfter: 100, follower: 200 },
      sent("reduce", -100),
    ],
    [
      "a flip closes everything and opens at most the cap",
      { leaderBefore: 100, leaderAfter: -100_000, follower: 100 },
      sent("flip", -150),
    ],
  ] as const)("%s", (_, step, expected) => {
    expect(decide(input(step))).toEqual(expected);
  });
});

describe("issue 16: a trading window holds openings back, never exits", () => {
  const held = (window: GateContext["window"]) => ({
    ...input({ leaderBefore: 0, leaderAfter: 0 }).gate,
    window,
  });

  it.each([
    ["an open", 0, 2, 0, skipped(SKIP_REASONS.outsideHours)],
    ["an add", 2, 3, 2, skipped(SKIP_REASONS.outsideHours)],
    ["a reduce", 3, 1, 3, sent("reduce", -2)],
    ["a close", 2, 0, 2, sent("close", -2)],
    ["a flip: its close half only", 2, -1, 2, sent("close", -2, closeOnlyReason(SKIP_REASONS.outsideHours))],
    ["a flip of a flat follower: nothing", 2, -1, 0, skipped(SKIP_REASONS.outsideHours)],
  ])("%s", (_what, before, after, follower, expected) => {
    const d = decide(
      input({ gate: held(SKIP_REASONS.outsideHours), leaderBefore: before, leaderAfter: after, follower }),
    );
    expect(d).toEqual(expected);
  });

  it("a blackout's reason names the news", () => {
    const d = decide(input({ gate: held("blackout: CPI"), leaderBefore: 0, leaderAfter: 1 }));
    expect(d).toEqual(skipped("blackout: CPI"));
  });
});
