import { describe, expect, it } from "vitest";
import type { BrokerRequestError } from "../../engine/broker/errors.js";
import { RateLimiter } from "../../engine/broker/rateLimiter.js";
import { type Pending, PendingRequests } from "../../engine/broker/requests.js";
import { silentLogger } from "../../engine/types.js";
import { FakeClock } from "./helpers/fakeClock.js";

function setup() {
  const clock = new FakeClock();
  const resent: Pending[] = [];
  const pending = new PendingRequests({
    label: "trading",
    clock,
    logger: silentLogger,
    limiter: new RateLimiter({ clock }),
    requestTimeoutMs: 10_000,
    lockoutMs: 3_600_000,
    maxOrderPenaltyWaitMs: 1000,
    resend: (p) => resent.push(p),
  });
  const outcome: { value?: unknown; error?: BrokerRequestError } = {};
  const p: Pending = {
    resolve: (d) => {
      outcome.value = d;
    },
    reject: (e) => {
      outcome.error = e;
    },
    timer: undefined,
    endpoint: "order/placeorder",
    body: { orderQty: 1 },
    options: { priority: "order" },
    resends: 0,
  };
  return { clock, pending, p, outcome, resent };
}

describe("a request waiting out its penalty ticket (§3.3, §6)", () => {
  it("fails as disconnected when the socket goes during the wait, and is never resent", async () => {
    const { clock, pending, p, outcome, resent } = setup();
    pending.add(1, p);
    pending.reply({ kind: "response", id: 1, status: 200, data: { "p-ticket": "t", "p-time": 0.5 } });
    pending.failAll("socket closed");
    clock.advance(1000);
    expect(resent).toEqual([]);
    expect(outcome.error?.kind).toBe("disconnected");
  });

  it("never resends authorize without its token: a bare-string body fails on a ticket", () => {
    const { clock, pending, p, outcome, resent } = setup();
    p.endpoint = "authorize";
    p.body = "the-token";
    p.options = { priority: "exit" };
    pending.add(1, p);
    pending.reply({ kind: "response", id: 1, status: 200, data: { "p-ticket": "t", "p-time": 0.5 } });
    clock.advance(1000);
    expect(resent).toEqual([]);
    expect(outcome.error?.kind).toBe("penalty");
  });
});
