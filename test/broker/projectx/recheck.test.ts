import { describe, expect, it } from "vitest";
import { AccountRecheck } from "../../../engine/broker/projectx/recheck.js";
import type { Envelope } from "../../../engine/broker/projectx/rest.js";
import type { Snapshot } from "../../../engine/broker/projectx/snapshot.js";
import { type Clock, silentLogger } from "../../../engine/types.js";

/** A clock whose timers run only when the test says, and reads whose answers the test gives. */
function world() {
  const timers: Array<{ at: number; fn: () => void }> = [];
  let t = 0;
  const clock: Clock = {
    now: () => t,
    mono: () => t,
    setTimeout: (fn, ms) => {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const reads: Array<{ path: string; accountId: number; answer: (env: Envelope | Error) => void }> = [];
  const activity = new Map<number, { sent: number; open: number }>();
  const applied: Array<{ accounts: number[]; picture: Snapshot }> = [];
  const w: {
    epoch: number;
    synced: boolean;
    reads: typeof reads;
    applied: typeof applied;
    activity: typeof activity;
    recheck: AccountRecheck;
    advance(ms: number): Promise<void>;
    answerAll(): Promise<void>;
  } = {
    epoch: 1,
    synced: true,
    reads,
    applied,
    activity,
    recheck: new AccountRecheck({
      connection: "px",
      clock,
      logger: silentLogger,
      delayMs: 1000,
      read: (path, body) =>
        new Promise<Envelope>((resolve, reject) =>
          reads.push({
            path,
            accountId: (body as { accountId: number }).accountId,
            answer: (env) => (env instanceof Error ? reject(env) : resolve(env)),
          }),
        ),
      activity: (id) => activity.get(id) ?? { sent: 0, open: 0 },
      epoch: () => w.epoch,
      synced: () => w.synced,
      apply: (accounts, picture) => applied.push({ accounts: [...accounts], picture }),
    }),
    /** Move the clock on and run the timers due. */
    async advance(ms: number) {
      t += ms;
      for (const timer of timers.filter((x) => x.at <= t)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
      await settle();
    },
    /** Answer the reads, in order, till none is left: one open order on the account. */
    async answerAll() {
      while (reads.length > 0) {
        const r = reads.shift()!;
        r.answer({ success: true, errorCode: 0, errorMessage: null, orders: [order(r.accountId)] });
        await settle();
      }
    },
  };
  return w;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function order(accountId: number) {
  return {
    id: 500,
    accountId,
    contractId: "CON.F.US.EP.Z26",
    creationTimestamp: "2026-01-12T18:00:00Z",
    status: 1,
    type: 1,
    side: 1,
    size: 1,
    limitPrice: 6820,
    fillVolume: 0,
    customTag: "mm-1-a",
  };
}

describe("the re-read of a ProjectX account after a lost order answer", () => {
  it("reads the account's open orders a moment later and hands them on for it alone", async () => {
    const w = world();
    w.recheck.lost(7);
    await w.advance(999);
    expect(w.reads).toEqual([]);
    await w.advance(1);
    expect(w.reads).toHaveLength(1);
    const asked: unknown[] = [];
    while (w.reads.length > 0) {
      const r = w.reads.shift()!;
      asked.push([r.path, r.accountId]);
      r.answer({ success: true, errorCode: 0, errorMessage: null, orders: [order(7)] });
      await settle();
    }
    // As a reconnect reads it: the venue's positions, not the hub's, which may lag a lost exit.
    expect(asked).toEqual([
      ["Account/search", undefined],
      ["Trade/search", 7],
      ["Position/searchOpen", 7],
      ["Order/searchOpen", 7],
      ["Trade/search", 7],
    ]);
    expect(w.applied).toHaveLength(1);
    expect(w.applied[0]!.accounts).toEqual([7]);
    expect(w.applied[0]!.picture.orders.map((o) => [o.id, o.customTag])).toEqual([[500, "mm-1-a"]]);
  });

  it("waits while a request of the account is still on its way, then reads", async () => {
    const w = world();
    w.activity.set(7, { sent: 3, open: 1 });
    w.recheck.lost(7);
    await w.advance(1000);
    expect(w.reads).toEqual([]);
    w.activity.set(7, { sent: 3, open: 0 });
    await w.advance(1000);
    await w.answerAll();
    expect(w.applied).toHaveLength(1);
  });

  it("throws a read away when a request of the account went out meanwhile, and reads again", async () => {
    const w = world();
    w.recheck.lost(7);
    await w.advance(1000);
    w.activity.set(7, { sent: 1, open: 0 });
    await w.answerAll();
    expect(w.applied).toEqual([]);
    await w.advance(2000); // read back to back: the next waits a little longer
    await w.answerAll();
    expect(w.applied).toHaveLength(1);
  });

  it("answers lost again right after each read space the reads out (2, 4, 8, 15 s), and a quiet minute starts over", async () => {
    // ProjectX failing every order (a 500 each time): each read's snapshot had the copier send the
    // exit again at once, lost again. Five reads and an exit every second, on the exit reserve,
    // spent the login's 200 a minute in half a minute: nothing, for any of its accounts, went in
    // the rest of each minute.
    const w = world();
    const gaps: number[] = [];
    for (let i = 0; i < 7; i++) {
      w.recheck.lost(7);
      let waited = 0;
      while (w.reads.length === 0 && waited < 60_000) {
        await w.advance(500);
        waited += 500;
      }
      gaps.push(waited);
      await w.answerAll();
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    expect(w.applied).toHaveLength(7);
    await w.advance(60_000);
    w.recheck.lost(7);
    await w.advance(1000);
    expect(w.reads).toHaveLength(1); // a new lost answer a minute later is read a moment later again
  });

  it("holds the account's hub events while it is read and runs them after; other accounts' pass", async () => {
    const w = world();
    const ran: string[] = [];
    w.recheck.lost(7);
    await w.advance(1000);
    expect(w.recheck.hold(7, () => ran.push("7"))).toBe(true);
    expect(w.recheck.hold(8, () => ran.push("8"))).toBe(false);
    expect(w.recheck.hold(undefined, () => ran.push("?"))).toBe(false);
    expect(ran).toEqual([]);
    await w.answerAll();
    expect(ran).toEqual(["7"]);
    expect(w.recheck.hold(7, () => ran.push("7 later"))).toBe(false);
  });

  it("drops a read a reconnect overtook, with the events it held: the reconnect's snapshot has all", async () => {
    const w = world();
    const ran: string[] = [];
    w.recheck.lost(7);
    await w.advance(1000);
    w.recheck.hold(7, () => ran.push("7"));
    w.epoch += 1;
    await w.answerAll();
    expect(w.applied).toEqual([]);
    expect(ran).toEqual([]);
  });

  it("after a reconnect's snapshot the account's events run, not held for a read it overtook", async () => {
    const w = world();
    const ran: string[] = [];
    // As the session's hub handler does: held for a read, or applied at once.
    const live = (what: string) => {
      if (!w.recheck.hold(7, () => ran.push(what))) ran.push(what);
    };
    w.recheck.lost(7);
    await w.advance(1000);
    live("before the drop");
    w.epoch += 2; // the hub dropped and connected again while the read was on its way
    w.recheck.reset(); // the reconnect's snapshot is applied
    live("a fill after the reconnect");
    await w.answerAll(); // the slow read comes back at last
    expect(w.applied).toEqual([]);
    // What came before the drop is inside the reconnect's snapshot; what came after is not.
    expect(ran).toEqual(["a fill after the reconnect"]);
  });

  it("a read that fails after a reconnect's snapshot runs none of what it held before the drop", async () => {
    const w = world();
    const ran: string[] = [];
    w.recheck.lost(7);
    await w.advance(1000);
    w.recheck.hold(7, () => ran.push("an order update before the drop"));
    w.epoch += 2;
    w.recheck.reset();
    w.reads.shift()!.answer(new Error("ProjectX Order/searchOpen: HTTP 502"));
    await settle();
    expect(ran).toEqual([]); // older than the snapshot just applied: it would overwrite it
  });

  it("reads nothing while reconnecting, and nothing after the reconnect's snapshot", async () => {
    const w = world();
    w.synced = false;
    w.recheck.lost(7);
    await w.advance(1000);
    expect(w.reads).toEqual([]);
    w.synced = true;
    w.recheck.reset();
    await w.advance(60_000);
    expect(w.reads).toEqual([]);
  });

  it("a failed read is tried again later, and its held events still run", async () => {
    const w = world();
    const ran: string[] = [];
    w.recheck.lost(7);
    await w.advance(1000);
    w.recheck.hold(7, () => ran.push("7"));
    w.reads.shift()!.answer(new Error("ProjectX Order/searchOpen: HTTP 502"));
    await settle();
    expect(ran).toEqual(["7"]);
    expect(w.applied).toEqual([]);
    await w.advance(4000); // the backoff's first retry is at most 2 s away
    await w.answerAll();
    expect(w.applied).toHaveLength(1);
  });
});
