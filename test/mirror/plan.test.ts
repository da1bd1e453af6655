/**
 * plan(): from wanted sets and held orders to requests, as a table: cancels first, then modifies
 * (paced), then placements, none while an order is being cancelled (it may fill on the cancel's
 * way); a changed shape is replaced; refused sets are not asked again.
 * Where mimik links the legs itself, a set that lost a leg keeps the others and gets it back.
 */
import { describe, expect, it } from "vitest";
import { type Action, type PlanInput, plan } from "../../engine/mirror/plan.js";
import { MIRROR_REASONS } from "../../engine/mirror/reasons.js";
import type { Held, Terms, WantSet } from "../../engine/mirror/types.js";

const NOW = 5_000;

function want(
  key: string,
  legs: Array<[number, "Buy" | "Sell", "Stop" | "Limit", number, number]>,
  role: WantSet["role"] = "exit",
): WantSet {
  return {
    key,
    role,
    why: "test",
    legs: legs.map(([leaderId, side, orderType, at, remaining]) => ({
      leaderId,
      side,
      terms: {
        orderType,
        ...(orderType === "Stop" ? { stopPrice: at } : { price: at }),
        timeInForce: "Day",
        remaining,
      },
    })),
  };
}

function held(
  orderId: number | undefined,
  leaderId: number,
  set: string,
  side: "Buy" | "Sell",
  orderType: "Stop" | "Limit",
  at: number,
  qty: number,
  more: Partial<Held> = {},
): Held {
  return {
    orderId,
    clOrdId: `mm-${leaderId}-9-${set}`,
    leaderId,
    contract: "ESZ6",
    set,
    side,
    orderType,
    qty,
    filled: 0,
    ...(orderType === "Stop" ? { stopPrice: at } : { price: at }),
    timeInForce: "Day",
    ...more,
  };
}

function run(wants: WantSet[], have: Held[], more: Partial<PlanInput> = {}) {
  return plan({
    now: NOW,
    wants,
    held: have,
    leaderOpen: () => true,
    modifies: { at: () => undefined, refused: () => false },
    refused: () => false,
    ...more,
  });
}

/** "cancel 11", "modify 11 qty→2", "place 1+2". */
function text(actions: Action[]): string[] {
  return actions.map((a) =>
    a.kind === "cancel"
      ? `cancel ${a.order.orderId} (${a.reason})`
      : a.kind === "modify"
        ? `modify ${a.order.orderId} → ${a.leg.terms.remaining} @ ${a.leg.terms.stopPrice ?? a.leg.terms.price} (${a.reason})`
        : `place ${a.set.legs.map((l) => l.leaderId).join("+")}${a.into ? ` into ${a.into}` : ""}`,
  );
}

const oco = want("1+2", [
  [1, "Sell", "Stop", 6790, 2],
  [2, "Sell", "Limit", 6820, 2],
]);
const ocoHeld = [held(11, 1, "a", "Sell", "Stop", 6790, 2), held(12, 2, "a", "Sell", "Limit", 6820, 2)];

describe("plan", () => {
  const rows: Array<[string, WantSet[], Held[], string[], Partial<PlanInput>?]> = [
    ["nothing held: place the set", [oco], [], ["place 1+2"]],
    ["held as wanted: nothing to do", [oco], ocoHeld, []],
    [
      "the leader moved its stop: modify that leg only",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6795, 2],
          [2, "Sell", "Limit", 6820, 2],
        ]),
      ],
      ocoHeld,
      ["modify 11 → 2 @ 6795 (the leader changed it)"],
    ],
    [
      "the position shrank: both legs shrink",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6790, 1],
          [2, "Sell", "Limit", 6820, 1],
        ]),
      ],
      ocoHeld,
      [
        "modify 11 → 1 @ 6790 (follows the follower's position)",
        "modify 12 → 1 @ 6820 (follows the follower's position)",
      ],
    ],
    [
      "the position shrank and the broker refused that very shrink: the exits go, to be placed anew at size",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6790, 1],
          [2, "Sell", "Limit", 6820, 1],
        ]),
      ],
      ocoHeld,
      [`cancel 11 (${MIRROR_REASONS.shrinkRefused})`, `cancel 12 (${MIRROR_REASONS.shrinkRefused})`],
      { modifies: { at: () => NOW + 5_000, refused: () => true } },
    ],
    [
      "a refused modify that would grow an exit waits for its retry: nothing too big stands meanwhile",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6790, 3],
          [2, "Sell", "Limit", 6820, 3],
        ]),
      ],
      ocoHeld,
      [],
      { modifies: { at: () => NOW + 5_000, refused: () => true } },
    ],
    [
      "a refused entry that would shrink waits for its retry (an entry closes nothing)",
      [want("7", [[7, "Buy", "Limit", 6780, 1]], "entry")],
      [held(31, 7, "c", "Buy", "Limit", 6780, 2)],
      [],
      { modifies: { at: () => NOW + 5_000, refused: () => true } },
    ],
    [
      "a partly filled leg counts its rest only",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6790, 1],
          [2, "Sell", "Limit", 6820, 1],
        ]),
      ],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2, { filled: 1 }), held(12, 2, "a", "Sell", "Limit", 6820, 1)],
      [],
    ],
    [
      "no longer wanted, its leader order gone: cancel each leg",
      [],
      ocoHeld,
      ["cancel 11 (the leader's order is gone)", "cancel 12 (the leader's order is gone)"],
      { leaderOpen: () => false },
    ],
    [
      "an entry held back now (a lock): cancelled with that reason",
      [],
      [held(31, 7, "c", "Buy", "Limit", 6780, 1)],
      ["cancel 31 (locked)"],
      { skipped: (id) => (id === 7 ? "locked" : undefined) },
    ],
    [
      "a lone stop that now has a partner: cancelled; the pair waits until it is heard gone (it may fill on the cancel's way)",
      [oco],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2)],
      ["cancel 11 (replaced by the leader's new set of orders)"],
    ],
    [
      "a modify too soon after the last one waits (latest wins later)",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6795, 2],
          [2, "Sell", "Limit", 6820, 2],
        ]),
      ],
      ocoHeld,
      [],
      { modifies: { at: () => NOW + 100, refused: () => false } },
    ],
    [
      "an order whose placement is not answered yet is left alone",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6795, 2],
          [2, "Sell", "Limit", 6820, 2],
        ]),
      ],
      [
        held(undefined, 1, "a", "Sell", "Stop", 6790, 2, { busy: "placing" }),
        held(undefined, 2, "a", "Sell", "Limit", 6820, 2, { busy: "placing" }),
      ],
      [],
    ],
    [
      "a set being cancelled is not gone before it is heard so: nothing placed beside it",
      [oco],
      ocoHeld.map((h) => ({ ...h, busy: "cancelling" as const })),
      [],
    ],
    ["the broker refused this set before: not asked again", [oco], [], [], { refused: () => true }],
    [
      "two sets of the same key (a glitch): the second is cancelled",
      [oco],
      [...ocoHeld, held(21, 1, "b", "Sell", "Stop", 6790, 2), held(22, 2, "b", "Sell", "Limit", 6820, 2)],
      [
        "cancel 21 (replaced by the leader's new set of orders)",
        "cancel 22 (replaced by the leader's new set of orders)",
      ],
    ],
    [
      "linked by mimik: the target refused, the stop held: the stop stays, the target placed into its set",
      [oco],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2)],
      ["place 2 into a"],
      { keepsLegs: () => true },
    ],
    [
      "linked by mimik: the target's retry not due yet: the stop stays, nothing placed",
      [oco],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2)],
      [],
      { keepsLegs: () => true, refused: (set) => set.legs.some((l) => l.leaderId === 2) },
    ],
    [
      "linked by mimik: the stop refused, the target held: the target follows the position, the stop placed",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6790, 1],
          [2, "Sell", "Limit", 6820, 1],
        ]),
      ],
      [held(12, 2, "a", "Sell", "Limit", 6820, 2)],
      ["modify 12 → 1 @ 6820 (follows the follower's position)", "place 1 into a"],
      { keepsLegs: () => true },
    ],
    [
      "linked by mimik: the leader cancelled its target: only that leg goes, the stop stays",
      [want("1", [[1, "Sell", "Stop", 6790, 2]])],
      ocoHeld,
      ["cancel 12 (the leader's order is gone)"],
      { keepsLegs: () => true, leaderOpen: (id) => id !== 2 },
    ],
    [
      "linked by mimik: a leg on the other side now is cancelled, its partner kept; its replacement waits for it to be gone",
      [
        want("1+2", [
          [1, "Sell", "Stop", 6790, 2],
          [2, "Buy", "Limit", 6820, 2],
        ]),
      ],
      ocoHeld,
      ["cancel 12 (replaced by the leader's new set of orders)"],
      { keepsLegs: () => true },
    ],
    [
      "linked by mimik: a leg went by filling: the other is cancelled (the OCO's rule), the new set placed once it is gone",
      [oco],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2)],
      ["cancel 11 (replaced by the leader's new set of orders)"],
      { keepsLegs: (set) => set !== "a" },
    ],
    ["linked by mimik: held as wanted: nothing to do", [oco], ocoHeld, [], { keepsLegs: () => true }],
    [
      "linked by mimik: two sets of the same key (a glitch): the second is cancelled",
      [oco],
      [...ocoHeld, held(21, 1, "b", "Sell", "Stop", 6790, 2), held(22, 2, "b", "Sell", "Limit", 6820, 2)],
      [
        "cancel 21 (replaced by the leader's new set of orders)",
        "cancel 22 (replaced by the leader's new set of orders)",
      ],
      { keepsLegs: () => true },
    ],
    [
      "a shrink is sent before a growth",
      [want("1", [[1, "Sell", "Stop", 6790, 3]]), want("5", [[5, "Sell", "Stop", 6780, 1]])],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2), held(15, 5, "b", "Sell", "Stop", 6780, 2)],
      [
        "modify 15 → 1 @ 6780 (follows the follower's position)",
        "modify 11 → 3 @ 6790 (follows the follower's position)",
      ],
    ],
    [
      "a set to replace is still unanswered: the new one waits for its answer",
      [oco],
      [held(undefined, 1, "a", "Sell", "Stop", 6790, 2, { busy: "placing" })],
      [],
    ],
    [
      "an order whose leader order is gone is still unanswered: nothing is placed",
      [oco],
      [],
      [],
      { staleUnanswered: true },
    ],
    [
      "a mirror's fill not in the position yet: exits only shrink until it is",
      [want("1", [[1, "Sell", "Stop", 6790, 3]]), want("5", [[5, "Sell", "Stop", 6780, 1]]), oco],
      [held(11, 1, "a", "Sell", "Stop", 6790, 2), held(15, 5, "b", "Sell", "Stop", 6780, 2)],
      ["modify 15 → 1 @ 6780 (follows the follower's position)"],
      { exitsWaitUntil: NOW + 1 },
    ],
  ];
  for (const [name, wants, have, expected, more] of rows) {
    it(name, () => {
      expect(text(run(wants, have, more).actions)).toEqual(expected);
    });
  }

  describe("a trailing stop", () => {
    /** The wanted trailing stop of leader order 1: from the leader's stop now, `trail` behind. */
    const trailWant = (stopPrice: number, trail: number, remaining: number, more: Partial<Terms> = {}) => ({
      key: "1",
      role: "exit" as const,
      why: "test",
      legs: [
        {
          leaderId: 1,
          side: "Sell" as const,
          terms: {
            orderType: "TrailingStop" as const,
            stopPrice,
            trail,
            timeInForce: "Day" as const,
            remaining,
            ...more,
          },
        },
      ],
    });
    const trailHeld = (stopPrice: number, trail: number | undefined, qty: number, more: Partial<Held> = {}) =>
      held(11, 1, "a", "Sell", "Stop", 0, qty, { orderType: "TrailingStop", stopPrice, trail, ...more });
    const rows: Array<[string, WantSet[], Held[], string[]]> = [
      [
        "the leader's stop ratcheted up (and the follower's, its own way): no modify",
        [trailWant(6800, 10, 2)],
        [trailHeld(6793, 10, 2)],
        [],
      ],
      [
        "its quantity follows the follower's position: modified",
        [trailWant(6800, 10, 1)],
        [trailHeld(6790, 10, 2)],
        ["modify 11 → 1 @ 6800 (follows the follower's position)"],
      ],
      [
        "a new trail distance: cancelled, to be placed anew once gone (no broker modifies it)",
        [trailWant(6800, 5, 2)],
        [trailHeld(6790, 10, 2)],
        ["cancel 11 (replaced by the leader's new set of orders)"],
      ],
      [
        "a new time in force: cancelled, to be placed anew once gone",
        [trailWant(6800, 10, 2, { timeInForce: "GTC" })],
        [trailHeld(6790, 10, 2)],
        ["cancel 11 (replaced by the leader's new set of orders)"],
      ],
      [
        "a follower's broker that says neither its trail nor its time in force: kept",
        [trailWant(6800, 10, 2, { timeInForce: "GTC" })],
        [trailHeld(6790, undefined, 2, { timeInForce: undefined })],
        [],
      ],
    ];
    for (const [name, wants, have, expected] of rows)
      it(name, () => {
        expect(text(run(wants, have).actions)).toEqual(expected);
      });
  });

  it("asks to plan again when a modify's spacing ends; an unanswered request's answer brings it back", () => {
    const moved = [
      want("1+2", [
        [1, "Sell", "Stop", 6795, 2],
        [2, "Sell", "Limit", 6820, 2],
      ]),
    ];
    expect(run(moved, ocoHeld, { modifies: { at: () => NOW + 100, refused: () => false } }).recheckAt).toBe(
      NOW + 100,
    );
    const busy = ocoHeld.map((h) => ({ ...h, busy: "modifying" as const }));
    expect(run(moved, busy)).toEqual({ actions: [], recheckAt: undefined, skips: [] });
    expect(run([oco], [], { exitsWaitUntil: NOW + 700 }).recheckAt).toBe(NOW + 700);
    expect(text(run([oco], [], { exitsWaitUntil: NOW }).actions)).toEqual(["place 1+2"]);
  });

  it("an order its broker refused to modify so is left as it is, and the pane is told why", () => {
    const moved = [
      want("1+2", [
        [1, "Sell", "Stop", 6795, 2],
        [2, "Sell", "Limit", 6820, 2],
      ]),
    ];
    const refusedStop = {
      at: () => NOW + 5_000,
      refused: () => true,
      refusedWhy: (clOrdId: string) => (clOrdId === ocoHeld[0]!.clOrdId ? "RiskRejected: no" : undefined),
    };
    const p = run(moved, ocoHeld, { modifies: refusedStop });
    expect(p.actions).toEqual([]);
    expect(p.recheckAt).toBe(NOW + 5_000);
    expect(p.skips).toEqual([{ leaderId: 1, reason: MIRROR_REASONS.modifyRefused("RiskRejected: no") }]);
  });
});
