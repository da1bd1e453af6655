import { describe, expect, it } from "vitest";
import { InboundQueue } from "../../engine/broker/inbound.js";

/**
 * A fake event loop: `now` moves only when a handler says it took time, and `turn()` runs what
 * was left for the next turn (as setImmediate would, after the loop has read its sockets).
 */
function rig(budgetMs = 1) {
  let now = 0;
  let next: Array<() => void> = [];
  const log: string[] = [];
  const queue = new InboundQueue({ now: () => now, nextTurn: (fn) => next.push(fn), budgetMs });
  const frame = (name: string, ms = 0.4) => () => {
    log.push(name);
    now += ms;
  };
  const turn = () => {
    const due = next;
    next = [];
    for (const fn of due) fn();
  };
  return { queue, frame, turn, log };
}

const leader = { name: "leader login" };
const follower = { name: "follower login" };
const other = { name: "another follower login" };

describe("inbound queue: a leader's frame never waits behind followers' frames", () => {
  it("handles a follower's frames at once while the turn's budget lasts", () => {
    const { queue, frame, log } = rig();
    queue.arrive(follower, true, frame("f1"));
    queue.arrive(follower, true, frame("f2"));
    expect(log).toEqual(["f1", "f2"]);
    expect(queue.size).toBe(0);
  });

  it("queues a follower's frames once the budget is spent, and a leader's frame goes first", () => {
    const { queue, frame, turn, log } = rig();
    for (const f of ["f1", "f2", "f3", "f4", "f5"]) queue.arrive(follower, true, frame(f));
    expect(log).toEqual(["f1", "f2", "f3"]); // 1.2 ms: the budget is spent
    queue.arrive(leader, false, frame("L"));
    expect(log).toEqual(["f1", "f2", "f3", "L"]);
    turn();
    expect(log).toEqual(["f1", "f2", "f3", "L", "f4", "f5"]);
    expect(queue.size).toBe(0);
  });

  it("drains a backlog in slices of one budget, one slice per turn, in arrival order", () => {
    const { queue, frame, turn, log } = rig();
    queue.arrive(follower, true, frame("f0", 1));
    for (let i = 1; i <= 6; i++) queue.arrive(i % 2 ? follower : other, true, frame(`f${i}`));
    expect(log).toEqual(["f0"]);
    turn();
    expect(log).toEqual(["f0", "f1", "f2", "f3"]);
    queue.arrive(leader, false, frame("L"));
    turn();
    expect(log).toEqual(["f0", "f1", "f2", "f3", "L", "f4", "f5", "f6"]);
  });

  it("a source with frames waiting queues even what may not wait (its close comes after its frames)", () => {
    const { queue, frame, turn, log } = rig();
    queue.arrive(follower, true, frame("f1", 1));
    queue.arrive(follower, true, frame("f2"));
    queue.arrive(follower, false, frame("close"));
    expect(log).toEqual(["f1"]);
    turn();
    expect(log).toEqual(["f1", "f2", "close"]);
  });

  it("a login that leads now still waits behind its own frames queued before", () => {
    const { queue, frame, turn, log } = rig();
    queue.arrive(follower, true, frame("f1", 1));
    queue.arrive(follower, true, frame("f2"));
    queue.arrive(follower, false, frame("f3 (now leading)"));
    queue.arrive(other, false, frame("L"));
    expect(log).toEqual(["f1", "L"]);
    turn();
    expect(log).toEqual(["f1", "L", "f2", "f3 (now leading)"]);
  });

  it("a new turn starts a new budget", () => {
    const { queue, frame, turn, log } = rig();
    queue.arrive(follower, true, frame("f1", 1));
    turn();
    queue.arrive(follower, true, frame("f2", 1));
    expect(log).toEqual(["f1", "f2"]);
    expect(queue.size).toBe(0);
  });

  it("a leader's frames are never deferred, however long they take", () => {
    const { queue, frame, log } = rig();
    for (const f of ["L1", "L2", "L3"]) queue.arrive(leader, false, frame(f, 5));
    expect(log).toEqual(["L1", "L2", "L3"]);
  });

  it("a handler that throws loses no other frame", () => {
    const { queue, frame, turn, log } = rig();
    queue.arrive(follower, true, frame("f1", 1));
    queue.arrive(follower, true, () => {
      throw new Error("boom");
    });
    queue.arrive(follower, true, frame("f3"));
    expect(() => turn()).toThrow("boom");
    turn();
    expect(log).toEqual(["f1", "f3"]);
    expect(queue.size).toBe(0);
  });
});
