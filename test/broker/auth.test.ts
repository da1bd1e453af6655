import { describe, expect, it } from "vitest";
import { TokenHolder } from "../../engine/broker/auth.js";
import { BrokerRequestError } from "../../engine/broker/errors.js";
import type { AccessToken, RestClient } from "../../engine/broker/rest.js";
import { silentLogger } from "../../engine/types.js";
import { FakeClock } from "./helpers/fakeClock.js";

const MIN = 60_000;

function stubRest(clock: FakeClock, behaviour: { renew?: () => AccessToken; login?: () => AccessToken }) {
  const calls: string[] = [];
  let n = 0;
  const token = (): AccessToken => ({ accessToken: `t${++n}`, expiresAt: clock.now() + 90 * MIN });
  const rest = {
    accessTokenRequest: async () => {
      calls.push("login");
      return (behaviour.login ?? token)();
    },
    renewAccessToken: async (t: string) => {
      calls.push(`renew:${t}`);
      return (behaviour.renew ?? token)();
    },
  } as unknown as RestClient;
  return { rest, calls };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const CREDS = { name: "u", password: "p", appId: "a", appVersion: "1", deviceId: "d" };

describe("TokenHolder", () => {
  it("logs in once for concurrent callers and renews 15 minutes before expiry", async () => {
    const clock = new FakeClock();
    const { rest, calls } = stubRest(clock, {});
    const holder = new TokenHolder({
      rest,
      credentials: CREDS,
      clock,
      logger: silentLogger,
      renewBeforeMs: 15 * MIN,
      onFatal: () => {},
    });
    const [a, b] = await Promise.all([holder.get(), holder.get()]);
    expect(a.accessToken).toBe("t1");
    expect(b.accessToken).toBe("t1");
    expect(calls).toEqual(["login"]);
    clock.advance(75 * MIN - 1);
    await flush();
    expect(calls).toEqual(["login"]);
    clock.advance(1);
    await flush();
    expect(calls).toEqual(["login", "renew:t1"]);
    expect(holder.current()?.accessToken).toBe("t2");
    holder.stop();
    expect(clock.pending()).toBe(0);
  });

  it("logs in again when renewal is refused, and reports a refused re-login", async () => {
    const clock = new FakeClock();
    let logins = 0;
    const fatal: BrokerRequestError[] = [];
    const { rest, calls } = stubRest(clock, {
      renew: () => {
        throw new BrokerRequestError("status", "auth/renewaccesstoken: HTTP 401", 401);
      },
      login: () => {
        if (logins++ > 0) throw new BrokerRequestError("rejected", "login refused: password changed");
        return { accessToken: "first", expiresAt: clock.now() + 90 * MIN };
      },
    });
    const holder = new TokenHolder({
      rest,
      credentials: CREDS,
      clock,
      logger: silentLogger,
      renewBeforeMs: 15 * MIN,
      onFatal: (e) => fatal.push(e),
    });
    await holder.get();
    clock.advance(75 * MIN);
    await flush();
    await flush();
    expect(calls).toEqual(["login", "renew:first", "login"]);
    expect(fatal.map((e) => e.kind)).toEqual(["rejected"]);
    expect(holder.current()).toBeUndefined();
  });
});

describe("TokenHolder and a renewal that failed", () => {
  // A network failure, a 5xx, a timeout or a gateway says nothing about the token: logging in again
  // instead opens a new Tradovate session (2 per user, §2.3), which throws out the oldest one: the
  // trader's own window, or ours.
  it.each([
    ["on the network", 0],
    ["answered 408", 408],
    ["answered 502", 502],
    ["answered 500", 500],
    ["answered 503", 503],
    ["answered 504", 504],
  ] as const)("retries a renewal %s instead of logging in again", async (_, status) => {
    const clock = new FakeClock();
    let renewals = 0;
    const { rest, calls } = stubRest(clock, {
      renew: () => {
        if (renewals++ === 0)
          throw status === 0
            ? new BrokerRequestError("transport", "ECONNRESET")
            : new BrokerRequestError("status", `auth/renewaccesstoken: HTTP ${status}`, status);
        return { accessToken: "renewed", expiresAt: clock.now() + 90 * MIN };
      },
    });
    const holder = new TokenHolder({
      rest,
      credentials: CREDS,
      clock,
      logger: silentLogger,
      renewBeforeMs: 15 * MIN,
      onFatal: () => {},
    });
    await holder.get();
    clock.advance(75 * MIN);
    await flush();
    await flush();
    clock.advance(30_000);
    await flush();
    expect(calls).toEqual(["login", "renew:t1", "renew:t1"]);
    expect(holder.current()?.accessToken).toBe("renewed");
    holder.stop();
  });
});

describe("TokenHolder and a renewal answered 408/502 to its end", () => {
  it.each([408, 502])(
    "%i until the token ends (what a session a newer login ended gets): never logs in again",
    async (status) => {
      const clock = new FakeClock();
      const { rest, calls } = stubRest(clock, {
        renew: () => {
          throw new BrokerRequestError("status", `auth/renewaccesstoken: HTTP ${status}`, status);
        },
      });
      const holder = new TokenHolder({
        rest,
        credentials: CREDS,
        clock,
        logger: silentLogger,
        renewBeforeMs: 15 * MIN,
        onFatal: () => {},
      });
      await holder.get();
      for (let i = 0; i < 40; i++) {
        clock.advance(i === 0 ? 75 * MIN : 30_000);
        await flush();
        await flush();
      }
      // 15 minutes of retries every 30 s while more than 30 s were left, then it stops.
      expect(calls.filter((c) => c === "renew:t1")).toHaveLength(30);
      expect(calls.filter((c) => c === "login")).toHaveLength(1);
      expect(clock.pending()).toBe(0);
      holder.stop();
    },
  );
});

describe("TokenHolder.renewNow (a socket refused the token)", () => {
  function holderWith(behaviour: Parameters<typeof stubRest>[1]) {
    const clock = new FakeClock();
    const { rest, calls } = stubRest(clock, behaviour);
    const fatal: BrokerRequestError[] = [];
    const holder = new TokenHolder({
      rest,
      credentials: CREDS,
      clock,
      logger: silentLogger,
      renewBeforeMs: 15 * MIN,
      onFatal: (e) => fatal.push(e),
    });
    return { holder, calls, fatal, clock };
  }

  it("renews at once, once for callers at the same time, and leaves a replaced token alone", async () => {
    const { holder, calls } = holderWith({});
    await holder.get();
    await Promise.all([holder.renewNow("t1"), holder.renewNow("t1")]);
    expect(calls).toEqual(["login", "renew:t1"]);
    expect(holder.current()?.accessToken).toBe("t2");
    await holder.renewNow("t1");
    expect(calls).toEqual(["login", "renew:t1"]);
    holder.stop();
  });

  it("a refused login stops every later login until the session is started again", async () => {
    let logins = 0;
    const { holder, calls, fatal } = holderWith({
      renew: () => {
        throw new BrokerRequestError("status", "auth/renewaccesstoken: HTTP 401", 401);
      },
      login: () => {
        if (logins++ > 0) throw new BrokerRequestError("rejected", "login refused: password changed");
        return { accessToken: "first", expiresAt: Date.now() + 90 * MIN };
      },
    });
    await holder.get();
    await holder.renewNow("first");
    expect(calls).toEqual(["login", "renew:first", "login"]);
    expect(fatal.map((e) => e.kind)).toEqual(["rejected"]);
    expect(holder.loginsStopped()).toMatch(/password changed/);
    await expect(holder.get()).rejects.toThrow(/not logging in now: login refused/);
    expect(calls.filter((c) => c === "login")).toHaveLength(2);
    holder.resume();
    expect(holder.loginsStopped()).toBeUndefined();
  });
});
