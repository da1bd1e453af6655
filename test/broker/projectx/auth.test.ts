import { describe, expect, it } from "vitest";
import { BrokerRequestError } from "../../../engine/broker/errors.js";
import { ProjectXTokens } from "../../../engine/broker/projectx/auth.js";
import type { Envelope, ProjectXRest } from "../../../engine/broker/projectx/rest.js";
import { silentLogger } from "../../../engine/types.js";
import { FakeClock } from "../helpers/fakeClock.js";

const HOUR = 3_600_000;

/** A JWT-shaped token that expires at `expMs`. */
function jwt(name: string, expMs: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256" })}.${part({ sub: name, exp: Math.floor(expMs / 1000) })}.sig-${name}`;
}

/** ProjectX's auth routes, answered from a script; records every call. */
function fakeRest(clock: FakeClock, answers: { login?: () => Envelope; validate?: () => Envelope } = {}) {
  const calls: string[] = [];
  let n = 0;
  const rest = {
    call: async (path: string, _body: object, opts: { token?: string }) => {
      calls.push(`${path}${opts.token ? ` with ${opts.token.split(".")[2]}` : ""}`);
      n += 1;
      if (path === "Auth/loginKey")
        return (
          answers.login?.() ?? {
            success: true,
            errorCode: 0,
            errorMessage: null,
            token: jwt(`t${n}`, clock.now() + 24 * HOUR),
          }
        );
      return (
        answers.validate?.() ?? {
          success: true,
          errorCode: 0,
          errorMessage: null,
          newToken: jwt(`t${n}`, clock.now() + 24 * HOUR),
        }
      );
    },
  } as unknown as ProjectXRest;
  return { rest, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("ProjectX token: one login, renewed before its 24 h are up", () => {
  it("logs in once, reuses the token, and renews through Auth/validate an hour before expiry", async () => {
    const clock = new FakeClock();
    const { rest, calls } = fakeRest(clock);
    const seen: string[] = [];
    const tokens = new ProjectXTokens({
      rest,
      userName: "jdoe",
      apiKey: "k",
      clock,
      logger: silentLogger,
      renewBeforeMs: HOUR,
      onToken: (t) => seen.push(t),
      onFatal: () => undefined,
    });
    const first = await tokens.get();
    expect(await tokens.get()).toBe(first);
    expect(calls).toEqual(["Auth/loginKey"]);
    clock.advance(22 * HOUR);
    await flush();
    expect(calls).toHaveLength(1);
    clock.advance(1 * HOUR + 1000);
    await flush();
    expect(calls).toEqual(["Auth/loginKey", "Auth/validate with sig-t1"]);
    expect(await tokens.get()).not.toBe(first);
    expect(seen).toHaveLength(2);
    tokens.stop();
    expect(clock.pending()).toBe(0);
  });

  it("a renewal ProjectX does not answer keeps the token in hand, and is tried again", async () => {
    const clock = new FakeClock();
    let validateDown = true;
    const { rest, calls } = fakeRest(clock, {
      validate: () => {
        if (validateDown) throw new BrokerRequestError("timeout", "ProjectX Auth/validate: no answer");
        return {
          success: true,
          errorCode: 0,
          errorMessage: null,
          newToken: jwt("renewed", clock.now() + 24 * HOUR),
        };
      },
    });
    const tokens = new ProjectXTokens({
      rest,
      userName: "jdoe",
      apiKey: "k",
      clock,
      logger: silentLogger,
      renewBeforeMs: HOUR,
      onToken: () => undefined,
      onFatal: () => undefined,
    });
    const first = await tokens.get();
    clock.advance(23 * HOUR + 1000);
    await flush();
    expect(calls).toEqual(["Auth/loginKey", "Auth/validate with sig-t1"]);
    // The token still works for most of an hour: orders keep going with it.
    expect(await tokens.get()).toBe(first);
    validateDown = false;
    clock.advance(5 * 60_000);
    await flush();
    expect(await tokens.get()).toContain("sig-renewed");
    expect(calls.filter((c) => c === "Auth/loginKey")).toHaveLength(1);
    tokens.stop();
  });

  it("a refused renewal logs in again; a refused login that cannot mend stops logins", async () => {
    const clock = new FakeClock();
    let loginOk = true;
    const { rest, calls } = fakeRest(clock, {
      validate: () => ({ success: false, errorCode: 1, errorMessage: "bad" }),
      login: () =>
        loginOk
          ? { success: true, errorCode: 0, errorMessage: null, token: jwt("again", clock.now() + 24 * HOUR) }
          : { success: false, errorCode: 9, errorMessage: "no subscription", token: null },
    });
    const fatal: BrokerRequestError[] = [];
    const tokens = new ProjectXTokens({
      rest,
      userName: "jdoe",
      apiKey: "k",
      clock,
      logger: silentLogger,
      renewBeforeMs: HOUR,
      onToken: () => undefined,
      onFatal: (e) => fatal.push(e),
    });
    await tokens.get();
    expect(await tokens.checked()).toContain("sig-again");
    expect(calls).toEqual(["Auth/loginKey", "Auth/validate with sig-again", "Auth/loginKey"]);
    loginOk = false;
    tokens.invalidate();
    await expect(tokens.get()).rejects.toThrow(/9: API subscription not found/);
    expect(fatal).toHaveLength(1);
    // Stopped: no further login until the session is started again.
    await expect(tokens.get()).rejects.toThrow(/API subscription/);
    expect(calls.filter((c) => c === "Auth/loginKey")).toHaveLength(3);
    tokens.stop();
  });
});
