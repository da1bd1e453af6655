import { describe, expect, it } from "vitest";
import type { Group } from "../../data/schema.js";
import { LeaderBook } from "../../engine/copier/leaderBook.js";
import {
  type GuardLine,
  type GuardReport,
  judgeAtFill,
  judgeReport,
  judgeSettled,
  LeaderGuard,
  READ_AGAIN_MS,
  SETTLE_MS,
} from "../../engine/copier/leaderGuard.js";
import type {
  AlertEvent,
  BrokerSession,
  EngineEvent,
  FillEvent,
  PositionEvent,
  PositionSnapshot,
} from "../../engine/types.js";
import { fakeClock } from "./fakeBroker.js";

const line = (book: number, volume: number | undefined, unconfirmed = false, assumed = false): GuardLine => ({
  book,
  volume,
  unconfirmed,
  assumed,
});
const report = (netPos: number, volume: number | undefined): GuardReport => ({ netPos, volume });

describe("judgeReport: does a leader's report cover the fills seen, and does it agree", () => {
  const rows: [string, GuardLine, GuardReport, string][] = [
    ["covers exactly, agrees", line(2, 6), report(2, 6), "agrees"],
    ["covers exactly, disagrees (a Buy 2 missed)", line(0, 4), report(2, 4), "disagrees"],
    ["covers exactly, disagrees (a fill counted twice)", line(4, 6), report(2, 6), "disagrees"],
    ["does not cover a fill seen (older)", line(-2, 6), report(0, 4), "older"],
    ["older, though it agrees", line(0, 8), report(0, 4), "older"],
    ["ahead of the fills seen (its fill on the way)", line(0, 4), report(2, 6), "ahead"],
    ["ahead, positions agree (fills netting out on the way)", line(0, 4), report(0, 8), "ahead"],
    ["no volume, agrees", line(2, undefined), report(2, undefined), "agrees"],
    ["no volume, differs, every fill confirmed: waits", line(0, undefined), report(2, undefined), "ahead"],
    [
      "no volume, differs, a fill unconfirmed: unsure",
      line(0, undefined, true),
      report(2, undefined),
      "unsure",
    ],
    ["report without volume, book with", line(0, 4), report(2, undefined), "ahead"],
    ["book without volume (after a bust), report with", line(0, undefined, true), report(2, 6), "unsure"],
    [
      "counted from an assumed 0: the report of the fill just seen, with more volume",
      line(2, 2, true, true),
      report(2, 6),
      "agrees",
    ],
    ["counted from an assumed 0, no fill to confirm: waits", line(2, 2, false, true), report(2, 6), "ahead"],
    ["counted from an assumed 0, another position: waits", line(2, 2, true, true), report(1, 6), "ahead"],
  ];
  it.each(rows)("%s", (_, l, r, verdict) => {
    expect(judgeReport(l, r)).toBe(verdict);
  });
});

describe("judgeSettled: a report that ran ahead, once its fills had time to come", () => {
  const rows: [string, GuardLine, GuardReport, string][] = [
    ["its fills never came, differs: disagrees", line(0, 4), report(2, 6), "disagrees"],
    ["its fills never came, agrees: agrees (volume taken)", line(0, 4), report(0, 8), "agrees"],
    ["its fill came and agreed", line(2, 6), report(2, 6), "agrees"],
    ["fills came past it: older", line(0, 8), report(2, 6), "older"],
    ["no volume, no fill since, differs: disagrees", line(0, undefined), report(2, undefined), "disagrees"],
    ["no volume, a fill since: unsure", line(0, undefined, true), report(2, undefined), "unsure"],
  ];
  it.each(rows)("%s", (_, l, r, verdict) => {
    expect(judgeSettled(l, r)).toBe(verdict);
  });
});

describe("judgeAtFill: a leader fill while a report that ran ahead waits", () => {
  const rows: [string, GuardLine, GuardReport, number, string][] = [
    ["the report is this fill's (came first)", line(0, 4), report(2, 6), 2, "confirms"],
    ["after a missed Buy 2, the Sell 2: the report is older, missed", line(0, 4), report(2, 6), -2, "missed"],
    ["the report holds more fills still to come", line(0, 4), report(3, 9), 1, "keep"],
    ["the fill goes past the report: missed", line(0, 4), report(1, 5), -2, "missed"],
    ["no volume, positions match: confirms", line(0, undefined), report(2, undefined), 2, "confirms"],
    ["no volume, no match: dropped, not judged", line(0, undefined), report(2, undefined), -2, "drop"],
    [
      "counted from an assumed 0: this fill's, more volume",
      line(0, 0, false, true),
      report(2, 6),
      2,
      "confirms",
    ],
    ["counted from an assumed 0: not this fill's", line(0, 0, false, true), report(3, 9), 2, "keep"],
  ];
  it.each(rows)("%s", (_, l, r, signedQty, verdict) => {
    expect(judgeAtFill(l, r, signedQty)).toBe(verdict);
  });
});

describe("LeaderGuard on the leader book", () => {
  const group = { name: "g", leader: "L", followers: [] } as unknown as Group;
  const ESZ6 = { accountId: 1, contractId: "1", contract: "ESZ6", netPos: 0, netPrice: undefined, volume: 4 };
  const setup = (snapshot: PositionSnapshot[] = [ESZ6]) => {
    const clock = fakeClock();
    const leaders = new LeaderBook();
    leaders.reset("L", snapshot);
    const events: EngineEvent[] = [];
    const rechecked: string[] = [];
    // The login holds a fill back while its order is looked up (fillsWaiting) as the test says.
    const login = { waiting: false, canReadAgain: false, readAgain: [] as number[] };
    const session = {
      fillsWaiting: () => login.waiting,
      // ProjectX's: the account read again over REST (its trades as history, a SyncEvent).
      get readAgain() {
        return login.canReadAgain ? (id: number) => login.readAgain.push(id) : undefined;
      },
    } as unknown as BrokerSession;
    const accounts = {
      nameAt: (_: string, id: number) => (id === 1 ? "L" : undefined),
      role: (name: string) => (name === "L" ? { kind: "leader" as const, group } : undefined),
      route: (name: string) => (name === "L" ? { session, accountId: 1 } : undefined),
    };
    const watch = { recheck: (g: Group) => rechecked.push(g.name) };
    const guard = new LeaderGuard({ clock, emit: (e) => events.push(e), accounts, leaders, watch });
    const pos = (netPos: number, volume: number | undefined): PositionEvent => ({
      type: "position",
      connection: "c",
      position: { accountId: 1, contractId: "1", contract: "ESZ6", netPos, netPrice: undefined, volume },
    });
    const alerts = () => events.filter((e): e is AlertEvent => e.type === "alert");
    return { clock, leaders, guard, pos, alerts, rechecked, login };
  };
  const fill = (side: "Buy" | "Sell", qty: number) =>
    ({
      type: "fill",
      connection: "c",
      accountId: 1,
      fillId: 9,
      orderId: 8,
      contract: "ESZ6",
      side,
      qty,
    }) as FillEvent;

  it("a missed Buy 2: the report waits SETTLE_MS, then the book takes +2 and the trader is told once", () => {
    const { clock, leaders, guard, pos, alerts, rechecked } = setup();
    guard.position(pos(2, 6));
    clock.run(SETTLE_MS - 1);
    expect(leaders.known("L", "ESZ6")).toBe(0);
    clock.run(1);
    expect(leaders.known("L", "ESZ6")).toBe(2);
    expect(leaders.volume("L", "ESZ6")).toBe(6);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ level: "error", group: "g" });
    expect(alerts()[0]?.message).toContain("leader L ESZ6: the broker says +2, mimik had 0");
    expect(alerts()[0]?.message).toContain("OUT OF SYNC");
    expect(rechecked).toEqual(["g"]);
    guard.position(pos(2, 6));
    expect(alerts()).toHaveLength(1);
  });

  it("without volume, where the login can read the account again: it is read, not taken, and its late fill steps once", () => {
    const { clock, leaders, guard, pos, alerts, login } = setup([{ ...ESZ6, volume: undefined }]);
    login.canReadAgain = true;
    guard.position(pos(2, undefined));
    clock.run(SETTLE_MS);
    // A ProjectX trade may come seconds behind its position: taken now, it would step to +4.
    expect(login.readAgain).toEqual([1]);
    expect(leaders.known("L", "ESZ6")).toBe(0);
    expect(alerts()).toEqual([]);
    guard.beforeFill(group, fill("Buy", 2));
    leaders.step("L", "ESZ6", 0, 2, 8);
    clock.run(READ_AGAIN_MS * 2);
    expect(alerts()).toEqual([]);
    expect(leaders.known("L", "ESZ6")).toBe(2);
  });

  it("without volume, a read asked that never comes: the report is taken READ_AGAIN_MS later", () => {
    const { clock, leaders, guard, pos, alerts, login } = setup([{ ...ESZ6, volume: undefined }]);
    login.canReadAgain = true;
    guard.position(pos(2, undefined));
    clock.run(SETTLE_MS + READ_AGAIN_MS - 1);
    expect(leaders.known("L", "ESZ6")).toBe(0);
    clock.run(1);
    expect(leaders.known("L", "ESZ6")).toBe(2);
    expect(alerts()).toHaveLength(1);
    expect(login.readAgain).toEqual([1]);
  });

  it("a missed Buy 2 with the Sell 2 quick behind it: the book takes +2 before the Sell steps", () => {
    const { clock, leaders, guard, pos, alerts } = setup();
    guard.position(pos(2, 6));
    guard.beforeFill(group, fill("Sell", 2));
    expect(leaders.known("L", "ESZ6")).toBe(2);
    expect(alerts()).toHaveLength(1);
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toHaveLength(1);
  });

  it("a missed Buy 2, then the Sell 2's report before its fill: the Buy's report is taken, the Sell is an exit", () => {
    const { clock, leaders, guard, pos, alerts } = setup();
    guard.position(pos(2, 6));
    guard.position(pos(0, 8));
    guard.beforeFill(group, fill("Sell", 2));
    expect(leaders.known("L", "ESZ6")).toBe(2);
    leaders.step("L", "ESZ6", 2, 0, 8);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]?.message).toContain("the broker says +2, mimik had 0");
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toHaveLength(1);
    expect(leaders.known("L", "ESZ6")).toBe(0);
  });

  it("a report before its own fill is no alarm", () => {
    const { clock, leaders, guard, pos, alerts } = setup();
    guard.position(pos(2, 6));
    guard.beforeFill(group, fill("Buy", 2));
    leaders.step("L", "ESZ6", 0, 2, 8);
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toEqual([]);
    expect(leaders.known("L", "ESZ6")).toBe(2);
  });

  it("a report whose fill waits past SETTLE_MS for its order's lookup is no alarm, and the fill steps once", () => {
    const { clock, leaders, guard, pos, alerts, login } = setup();
    // Tradovate: the Buy 2's position went out at once; its fill waits for order/item, which
    // failed and is tried again 5 s later (on the login's next event).
    login.waiting = true;
    guard.position(pos(2, 6));
    clock.run(SETTLE_MS * 3);
    expect(alerts()).toEqual([]);
    expect(leaders.known("L", "ESZ6")).toBe(0);
    login.waiting = false;
    guard.beforeFill(group, fill("Buy", 2));
    leaders.step("L", "ESZ6", 0, 2, 8);
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toEqual([]);
    expect(leaders.known("L", "ESZ6")).toBe(2);
    expect(leaders.volume("L", "ESZ6")).toBe(6);
  });

  it("a report after its fill, and one older than the last fill, are no alarm", () => {
    const { clock, leaders, guard, pos, alerts } = setup();
    guard.beforeFill(group, fill("Buy", 2));
    leaders.step("L", "ESZ6", 0, 2, 8);
    guard.beforeFill(group, fill("Sell", 1));
    leaders.step("L", "ESZ6", 2, 1, 9);
    guard.position(pos(2, 6));
    guard.position(pos(1, 7));
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toEqual([]);
  });

  it("without volume: a differing report is judged only when every fill seen was confirmed", () => {
    const { clock, leaders, guard, pos, alerts } = setup();
    guard.beforeFill(group, fill("Buy", 2));
    leaders.step("L", "ESZ6", 0, 2, 8);
    guard.position(pos(0, undefined));
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toEqual([]);
    guard.position(pos(2, undefined));
    guard.position(pos(4, undefined));
    clock.run(SETTLE_MS);
    expect(leaders.known("L", "ESZ6")).toBe(4);
    expect(alerts()).toHaveLength(1);
  });

  it("without volume, a report that agrees supersedes an older one that waits: no alarm", () => {
    // ProjectX: the hub's events that came while a re-sync read the account run after its snapshot,
    // which already holds their trades (history): the position +1 of a Buy 1 and the 0 of the Sell 1
    // behind it come, their fills never do.
    const { clock, leaders, guard, pos, alerts } = setup([{ ...ESZ6, volume: undefined }]);
    guard.position(pos(1, undefined));
    guard.position(pos(0, undefined));
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toEqual([]);
    expect(leaders.known("L", "ESZ6")).toBe(0);
  });

  it("a snapshot since a report that waits is the truth: the report is not judged", () => {
    const { clock, leaders, guard, pos, alerts } = setup();
    guard.position(pos(2, undefined));
    leaders.reset("L", []);
    clock.run(SETTLE_MS * 2);
    expect(alerts()).toEqual([]);
    expect(leaders.known("L", "ESZ6")).toBe(0);
  });

  describe("a snapshot that leaves out a line the leader traded flat that day (Tradovate may drop a flat position)", () => {
    // ESZ6 was bought 2 and sold 2 before the snapshot, which lists no ESZ6: mimik counts its
    // volume from 0, the broker's bought + sold from 4, so every report runs 4 ahead of the count.
    type Setup = ReturnType<typeof setup>;
    /** One leader trade as the copier takes it: the guard first, then the book steps from what it says. */
    const trade = (
      t: Setup,
      side: "Buy" | "Sell",
      qty: number,
      report: readonly [number, number],
      first: string,
    ) => {
      if (first === "position") t.guard.position(t.pos(...report));
      t.guard.beforeFill(group, fill(side, qty));
      const before = t.leaders.known("L", "ESZ6") ?? 0;
      t.leaders.step("L", "ESZ6", before, before + (side === "Buy" ? qty : -qty), 8);
      if (first === "fill") t.guard.position(t.pos(...report));
      t.clock.run(1_000);
    };

    it.each(["position", "fill"])(
      "five Buy 1 a second apart, each %s first: no alarm, the book +5",
      (first) => {
        const t = setup([]);
        for (let n = 1; n <= 5; n++) trade(t, "Buy", 1, [n, 4 + n], first);
        t.clock.run(SETTLE_MS * 2);
        expect(t.alerts()).toEqual([]);
        expect(t.leaders.known("L", "ESZ6")).toBe(5);
        expect(t.leaders.volume("L", "ESZ6")).toBe(9);
      },
    );

    it.each(["position", "fill"])("a chain of trades, each %s first, is no alarm", (first) => {
      const t = setup([]);
      const trades = [
        ["Buy", 2, [2, 6]],
        ["Sell", 1, [1, 7]],
        ["Buy", 3, [4, 10]],
        ["Sell", 5, [-1, 15]],
        ["Buy", 1, [0, 16]],
      ] as const;
      for (const [side, qty, report] of trades) trade(t, side, qty, report, first);
      t.clock.run(SETTLE_MS * 2);
      expect(t.alerts()).toEqual([]);
      expect([t.leaders.known("L", "ESZ6"), t.leaders.volume("L", "ESZ6")]).toEqual([0, 16]);
    });

    it("once the first trade set the count, a missed Buy 2 is caught at the Sell 2 behind it", () => {
      const t = setup([]);
      trade(t, "Buy", 1, [1, 5], "fill");
      expect(t.leaders.volume("L", "ESZ6")).toBe(5);
      t.guard.position(t.pos(3, 7));
      t.guard.beforeFill(group, fill("Sell", 2));
      expect(t.leaders.known("L", "ESZ6")).toBe(3);
      expect(t.alerts()).toHaveLength(1);
      expect(t.alerts()[0]?.message).toContain("the broker says +3, mimik had +1");
    });

    it("a missed first Buy 2 is told when its report has stood 5 s (the count could not tell it at the Sell)", () => {
      const t = setup([]);
      t.guard.position(t.pos(2, 6));
      t.guard.beforeFill(group, fill("Sell", 2));
      t.leaders.step("L", "ESZ6", 0, -2, 8);
      t.guard.position(t.pos(0, 8));
      t.clock.run(SETTLE_MS);
      expect(t.alerts()).toHaveLength(1);
      expect(t.alerts()[0]?.message).toContain("the broker says 0, mimik had -2");
    });

    it("a line never traded (counted from 0, rightly) is judged as before: a missed Buy 2 caught at the Sell 2", () => {
      const t = setup([]);
      t.guard.position(t.pos(2, 2));
      t.guard.beforeFill(group, fill("Sell", 2));
      expect(t.leaders.known("L", "ESZ6")).toBe(2);
      expect(t.alerts()).toHaveLength(1);
    });
  });
});
