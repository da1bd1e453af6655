import { describe, expect, it } from "vitest";
import { BrokerRequestError } from "../../engine/broker/errors.js";
import { RateLimiter } from "../../engine/broker/rateLimiter.js";
import { FakeClock } from "./helpers/fakeClock.js";

function limiter(perMinute: number, perHour: number, clock = new FakeClock(), orderReserve = 0) {
  return { clock, rl: new RateLimiter({ perMinute, perHour, clock, orderReserve }) };
}

describe("RateLimiter", () => {
  it("allows perMinute requests, then waits for the window to slide", async () => {
    const { clock, rl } = limiter(3, 100);
    expect(rl.tryAcquire("read")).toBe(true);
    expect(rl.tryAcquire("read")).toBe(true);
    expect(rl.tryAcquire("read")).toBe(true);
    expect(rl.tryAcquire("read")).toBe(false);
    expect(rl.budget()).toMatchObject({ minuteLeft: 0, hourLeft: 97 });
    let done = false;
    const p = rl.acquire("read").then(() => {
      done = true;
    });
    clock.advance(59_000);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1_001);
    await p;
    expect(done).toBe(true);
  });

  it("enforces the hour window too", () => {
    const { clock, rl } = limiter(10, 12);
    for (let i = 0; i < 10; i++) expect(rl.tryAcquire("order")).toBe(true);
    clock.advance(61_000);
    expect(rl.tryAcquire("order")).toBe(true);
    expect(rl.tryAcquire("order")).toBe(true);
    expect(rl.tryAcquire("order")).toBe(false);
    expect(rl.budget().hourLeft).toBe(0);
    clock.advance(3_600_000);
    expect(rl.tryAcquire("order")).toBe(true);
  });

  it("serves waiting orders before waiting reads", async () => {
    const { clock, rl } = limiter(1, 100);
    expect(rl.tryAcquire("read")).toBe(true);
    const order: string[] = [];
    const r = rl.acquire("read").then(() => order.push("read"));
    const o = rl.acquire("order").then(() => order.push("order"));
    clock.advance(60_001);
    await o;
    expect(order).toEqual(["order"]);
    clock.advance(60_001);
    await r;
    expect(order).toEqual(["order", "read"]);
  });

  it("keeps a reserve of minute slots that only orders may use", () => {
    const { rl } = limiter(5, 100, new FakeClock(), 2);
    expect(rl.tryAcquire("read")).toBe(true);
    expect(rl.tryAcquire("read")).toBe(true);
    expect(rl.tryAcquire("read")).toBe(true);
    expect(rl.tryAcquire("read")).toBe(false);
    expect(rl.tryAcquire("order")).toBe(true);
    expect(rl.tryAcquire("order")).toBe(true);
    expect(rl.tryAcquire("order")).toBe(false);
  });

  it("fails fast during a 429 lockout and surfaces blockedUntil", async () => {
    const { clock, rl } = limiter(10, 100);
    const until = clock.now() + 5_000;
    rl.lockOut(until);
    expect(rl.tryAcquire("order")).toBe(false);
    await expect(rl.acquire("order")).rejects.toBeInstanceOf(BrokerRequestError);
    expect(rl.budget().blockedUntil).toBe(until);
    clock.advance(5_001);
    expect(rl.budget().blockedUntil).toBeUndefined();
    expect(rl.tryAcquire("order")).toBe(true);
  });

  it("rejects queued waiters when locked out or disposed", async () => {
    const { clock, rl } = limiter(1, 100);
    rl.tryAcquire("read");
    const a = rl.acquire("read");
    rl.lockOut(clock.now() + 1000);
    await expect(a).rejects.toMatchObject({ kind: "rateLimited" });
    clock.advance(61_000);
    rl.tryAcquire("read");
    const b = rl.acquire("order");
    rl.dispose();
    await expect(b).rejects.toMatchObject({ kind: "disconnected" });
  });

  it("shows a penalty wait in the budget without blocking", () => {
    const { clock, rl } = limiter(10, 100);
    rl.notePenalty(clock.now() + 3000);
    expect(rl.budget().blockedUntil).toBe(clock.now() + 3000);
    expect(rl.tryAcquire("read")).toBe(true);
  });
});
