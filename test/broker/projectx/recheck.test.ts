import { describe, expect, it } from "vitest";
import { AccountRecheck } from "../../../engine/broker/projectx/recheck.js";
import type { Envelope } from "../../../engine/broker/projectx/rest.js";
import type { Snapshot } from "../../../engine/broker/projectx/snapshot.js";
import { silentLogger } from "../../../engine/types.js";
import { FakeClock } from "../helpers/fakeClock.js";

/**
 * What ProjectX gives the shared re-read (accountReread.test.ts has its timing, holding and
 * overtaking): how the account is read over REST, and which account a hub event is about.
 */
function world() {
  const clock = new FakeClock();
  const reads: Array<{ path: string; accountId: number; answer: (env: Envelope) => void }> = [];
  const applied: Array<{ accounts: number[]; picture: Snapshot }> = [];
  const recheck = new AccountRecheck({
    connection: "px",
    clock,
    logger: silentLogger,
    delayMs: 1000,
    read: (path, body) =>
      new Promise<Envelope>((answer) =>
        reads.push({ path, accountId: (body as { accountId: number }).accountId, answer }),
      ),
    activity: () => ({ sent: 0, open: 0 }),
    epoch: () => 1,
    synced: () => true,
    unread: () => undefined,
    apply: (accounts, picture) => applied.push({ accounts: [...accounts], picture }),
  });
  return {
    reads,
    applied,
    recheck,
    async advance(ms: number) {
      clock.advance(ms);
      await settle();
    },
    /** Answer the reads, in order, till none is left: one open order on the account; the paths asked. */
    async answerAll(): Promise<unknown[]> {
      const asked: unknown[] = [];
      while (reads.length > 0) {
        const r = reads.shift()!;
        asked.push([r.path, r.accountId]);
        r.answer({ success: true, errorCode: 0, errorMessage: null, orders: [order(r.accountId)] });
        await settle();
      }
      return asked;
    },
  };
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
    // As a reconnect reads it: the venue's positions, not the hub's, which may lag a lost exit.
    expect(await w.answerAll()).toEqual([
      ["Account/search", undefined],
      ["Trade/search", 7],
      ["Position/searchOpen", 7],
      ["Order/searchOpen", 7],
      ["Order/search", 7],
      ["Trade/search", 7],
    ]);
    expect(w.applied).toHaveLength(1);
    expect(w.applied[0]!.accounts).toEqual([7]);
    expect(w.applied[0]!.picture.orders.map((o) => [o.id, o.customTag])).toEqual([[500, "mm-1-a"]]);
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
});
