import { describe, expect, it } from "vitest";
import { AccountReread } from "../../engine/broker/accountReread.js";
import { silentLogger } from "../../engine/types.js";
import { FakeClock } from "./helpers/fakeClock.js";

/**
 * The re-read both brokers share, with a clock whose timers run only when the test says, reads
 * whose answers the test gives, and events that are lists of the accounts they are about.
 */
function world() {
  const clock = new FakeClock();
  const reads: Array<{ accounts: readonly number[]; answer: (picture: string | Error) => void }> = [];
  const activity = new Map<number, { sent: number; open: number }>();
  const applied: Array<{ accounts: number[]; picture: string }> = [];
  const w = {
    epoch: 1,
    synced: true,
    reads,
    applied,
    activity,
    /** How often an event's accounts were asked for. */
    asked: 0,
    /** Warnings logged, and the accounts the trader was told elsewhere cannot be read. */
    warnings: [] as string[],
    told: new Set<number>(),
    reread: undefined as unknown as AccountReread<string, readonly number[]>,
    async advance(ms: number) {
      clock.advance(ms);
      await settle();
    },
    async answer(picture: string | Error = "picture") {
      reads.shift()!.answer(picture);
      await settle();
    },
    /** As a session's live handler does: held for a read, or run at once. */
    live(accounts: readonly number[], ran: string[], what: string) {
      if (!w.reread.hold(accounts, () => ran.push(what))) ran.push(what);
    },
  };
  w.reread = new AccountReread<string, readonly number[]>({
    connection: "tv",
    clock,
    logger: { ...silentLogger, warn: (message) => w.warnings.push(message) },
    delayMs: 1000,
    read: (accounts) =>
      new Promise<string>((resolve, reject) =>
        reads.push({ accounts, answer: (p) => (p instanceof Error ? reject(p) : resolve(p)) }),
      ),
    accountsOf: (accounts) => {
      w.asked += 1;
      return accounts;
    },
    activity: (id) => activity.get(id) ?? { sent: 0, open: 0 },
    epoch: () => w.epoch,
    synced: () => w.synced,
    apply: (accounts, picture) => applied.push({ accounts: [...accounts], picture }),
    told: (accounts) => accounts.every((id) => w.told.has(id)),
  });
  return w;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the re-read of an account after a lost order answer", () => {
  it("reads the accounts a moment later, once, and hands the picture on for them alone", async () => {
    const w = world();
    w.reread.lost(7);
    w.reread.lost(8);
    await w.advance(999);
    expect(w.reads).toHaveLength(0);
    await w.advance(1);
    expect(w.reads.map((r) => r.accounts)).toEqual([[7, 8]]);
    await w.answer("both");
    expect(w.applied).toEqual([{ accounts: [7, 8], picture: "both" }]);
    await w.advance(5_000);
    expect(w.reads).toHaveLength(0); // nothing more is due
  });

  it("waits while a request of the account is still on its way, then reads", async () => {
    const w = world();
    w.activity.set(7, { sent: 2, open: 1 });
    w.reread.lost(7);
    await w.advance(1000);
    expect(w.reads).toHaveLength(0);
    w.activity.set(7, { sent: 2, open: 0 });
    await w.advance(1000);
    expect(w.reads).toHaveLength(1);
    await w.answer();
    expect(w.applied).toHaveLength(1);
  });

  it("an account whose request is still on its way holds back no other account's read", async () => {
    const w = world();
    // 8's exit answered 500 at once; 7's request waits out its 10 s timeout on the same login.
    w.activity.set(7, { sent: 1, open: 1 });
    w.reread.lost(7);
    w.reread.lost(8);
    await w.advance(1000);
    expect(w.reads.map((r) => r.accounts)).toEqual([[8]]);
    await w.answer("eight");
    expect(w.applied).toEqual([{ accounts: [8], picture: "eight" }]);
    w.activity.set(7, { sent: 1, open: 0 });
    await w.advance(2000);
    expect(w.reads.map((r) => r.accounts)).toEqual([[7]]);
    await w.answer("seven");
    expect(w.applied.map((a) => a.accounts)).toEqual([[8], [7]]);
  });

  it("an account that sends while the login's accounts are read throws away its own part only", async () => {
    const w = world();
    w.reread.lost(7);
    w.reread.lost(8);
    await w.advance(1000);
    expect(w.reads.map((r) => r.accounts)).toEqual([[7, 8]]);
    w.activity.set(7, { sent: 1, open: 0 }); // 7 keeps trading; 8 waits for its lost exit's snapshot
    await w.answer("both");
    expect(w.applied).toEqual([{ accounts: [8], picture: "both" }]);
    await w.advance(2000);
    expect(w.reads.map((r) => r.accounts)).toEqual([[7]]);
    await w.answer("seven");
    expect(w.applied.map((a) => a.accounts)).toEqual([[8], [7]]);
  });

  it("throws a read away when a request of the account went out meanwhile, and reads again", async () => {
    const w = world();
    w.reread.lost(7);
    await w.advance(1000);
    w.activity.set(7, { sent: 1, open: 0 }); // written and answered while the read was on its way
    await w.answer("stale");
    expect(w.applied).toEqual([]);
    await w.advance(2000); // read back to back: the next waits a little longer
    await w.answer("fresh");
    expect(w.applied.map((a) => a.picture)).toEqual(["fresh"]);
  });

  it("answers lost again right after each read space the reads out (2, 4, 8, 15 s), and a quiet minute starts over", async () => {
    // Tradovate failing every order (a 500 each time): each read's snapshot has the copier send
    // the exit again at once, lost again. Read every second, seven requests at a time on the exit
    // reserve, the login's hour of budget was gone in minutes, and nothing, a flatten neither,
    // could go when Tradovate came back.
    const w = world();
    const gaps: number[] = [];
    for (let i = 0; i < 7; i++) {
      w.reread.lost(7);
      let waited = 0;
      while (w.reads.length === 0 && waited < 60_000) {
        await w.advance(500);
        waited += 500;
      }
      gaps.push(waited);
      await w.answer();
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    expect(w.applied).toHaveLength(7);
    await w.advance(60_000);
    w.reread.lost(7);
    await w.advance(1000);
    expect(w.reads).toHaveLength(1); // a new lost answer a minute later is read a moment later again
  });

  it("a read thrown away time after time (the account keeps sending) is tried less and less often", async () => {
    const w = world();
    w.reread.lost(7);
    const gaps: number[] = [];
    for (let sent = 1; sent <= 5; sent++) {
      let waited = 0;
      while (w.reads.length === 0 && waited < 60_000) {
        await w.advance(500);
        waited += 500;
      }
      gaps.push(waited);
      w.activity.set(7, { sent, open: 0 }); // a modify went out while it was read
      await w.answer("stale");
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 15_000]);
    expect(w.applied).toEqual([]);
  });

  it("holds the account's events while it is read and runs them after, in order; other accounts' pass", async () => {
    const w = world();
    const ran: string[] = [];
    expect(w.reread.hold([7], () => ran.push("idle"))).toBe(false); // nothing read: runs at once
    expect(w.asked).toBe(0); // and whose it is was not even asked
    w.reread.lost(7);
    await w.advance(1000);
    expect(w.reread.hold([7], () => ran.push("a"))).toBe(true);
    expect(w.reread.hold([9], () => ran.push("other"))).toBe(false);
    expect(w.reread.hold([], () => ran.push("nobody's"))).toBe(false);
    expect(w.reread.hold([9, 7], () => ran.push("b"))).toBe(true);
    expect(ran).toEqual([]);
    await w.answer();
    expect(w.applied).toHaveLength(1);
    expect(ran).toEqual(["a", "b"]);
    expect(w.reread.hold([7], () => ran.push("after"))).toBe(false);
  });

  it("drops a read a reconnect overtook, with the events it held: the reconnect's snapshot has all", async () => {
    const w = world();
    const ran: string[] = [];
    w.reread.lost(7);
    await w.advance(1000);
    w.reread.hold([7], () => ran.push("before the drop"));
    w.epoch = 2; // a new socket, a new user hub
    await w.answer();
    expect(w.applied).toEqual([]);
    expect(ran).toEqual([]);
  });

  it("after a reconnect's snapshot the account's events run, not held for a read it overtook", async () => {
    const w = world();
    const ran: string[] = [];
    w.reread.lost(7);
    await w.advance(1000);
    w.live([7], ran, "before the drop");
    w.epoch += 2; // dropped and connected again while the read was on its way
    w.reread.reset(); // the reconnect's snapshot is applied
    w.live([7], ran, "a fill after the reconnect");
    await w.answer(); // the slow read comes back at last
    expect(w.applied).toEqual([]);
    // What came before the drop is inside the reconnect's snapshot; what came after is not.
    expect(ran).toEqual(["a fill after the reconnect"]);
  });

  it("after a reset (the socket lost, a new snapshot) nothing is due and nothing held runs", async () => {
    const w = world();
    const ran: string[] = [];
    w.reread.lost(7);
    await w.advance(1000);
    w.reread.hold([7], () => ran.push("old socket's"));
    w.reread.reset();
    expect(w.reread.hold([7], () => ran.push("new socket's"))).toBe(false);
    await w.answer(new Error("disconnected"));
    expect(ran).toEqual([]);
    await w.advance(60_000);
    expect(w.reads).toHaveLength(0);
  });

  it("a read that fails after a reconnect's snapshot runs none of what it held before the drop", async () => {
    const w = world();
    const ran: string[] = [];
    w.reread.lost(7);
    await w.advance(1000);
    w.reread.hold([7], () => ran.push("an order update before the drop"));
    w.epoch += 2;
    w.reread.reset();
    await w.answer(new Error("ProjectX Order/search: HTTP 502"));
    expect(ran).toEqual([]); // older than the snapshot just applied: it would overwrite it
  });

  it("reads nothing while reconnecting, and nothing after the reconnect's snapshot", async () => {
    const w = world();
    w.synced = false;
    w.reread.lost(7);
    await w.advance(1000);
    expect(w.reads).toHaveLength(0);
    w.synced = true;
    w.reread.reset();
    await w.advance(60_000);
    expect(w.reads).toHaveLength(0);
  });

  it("a failed read is tried again later, and its held events still run", async () => {
    const w = world();
    const ran: string[] = [];
    w.reread.lost(7);
    await w.advance(1000);
    w.reread.hold([7], () => ran.push("held"));
    await w.answer(new Error("timeout"));
    expect(ran).toEqual(["held"]);
    expect(w.applied).toEqual([]);
    await w.advance(1000);
    expect(w.reads).toHaveLength(0); // backoff: the second try waits longer
    await w.advance(1000);
    expect(w.reads).toHaveLength(1);
    await w.answer("second");
    expect(w.applied.map((a) => a.picture)).toEqual(["second"]);
  });

  it("a failed read is told at each try, unless the trader was told its accounts cannot be read", async () => {
    const w = world();
    w.reread.lost(7);
    await w.advance(1000);
    await w.answer(new Error("timeout"));
    expect(w.warnings).toEqual(["re-read after a lost answer failed"]);
    // An account that cannot be read has its own alert (and an error if it lasts): its re-reads
    // backing off from 1 s to 30 s are not each a warning beside it.
    w.told.add(7);
    await w.advance(2000);
    await w.answer(new Error("Account is under review"));
    await w.advance(4000);
    await w.answer(new Error("Account is under review"));
    expect(w.warnings).toHaveLength(1);
  });
});
