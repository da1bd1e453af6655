import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../engine/broker/rateLimiter.js";
import { RestClient } from "../../engine/broker/rest.js";
import { systemClock } from "../../engine/types.js";
import { recordingLogger } from "./helpers/collect.js";

type Call = { url: string; method: string; body: string | undefined; auth: string | undefined };

function client(replies: Array<{ status?: number; body?: unknown; headers?: Record<string, string> }>) {
  const calls: Call[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({
      url,
      method: init.method ?? "GET",
      body: init.body as string | undefined,
      auth: headers.Authorization,
    });
    const r = replies.shift() ?? { body: {} };
    const text = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
    return new Response(text, { status: r.status ?? 200, headers: r.headers });
  }) as unknown as typeof fetch;
  const limiter = new RateLimiter({
    limits: { perSecond: 100, perMinute: 100, perHour: 1000 },
    clock: systemClock,
  });
  const logger = recordingLogger();
  const rest = new RestClient({
    baseUrl: "http://x/v1/",
    clock: systemClock,
    limiter,
    logger,
    timeoutMs: 1000,
    lockoutMs: 60_000,
    fetchImpl,
  });
  return { rest, calls, limiter, logger };
}

const TOKEN = { accessToken: "tok-SECRET", expirationTime: "2030-01-01T00:00:00.000Z", userId: 3 };

describe("RestClient", () => {
  it("sends accesstokenrequest without Authorization and parses the token", async () => {
    const { rest, calls } = client([{ body: { ...TOKEN, mdAccessToken: "md" } }]);
    const t = await rest.accessTokenRequest({
      name: "u",
      password: "p",
      appId: "a",
      appVersion: "1",
      deviceId: "d",
      cid: 5,
      sec: "s",
    });
    expect(t).toEqual({
      accessToken: "tok-SECRET",
      mdAccessToken: "md",
      expiresAt: Date.parse(TOKEN.expirationTime),
      userId: 3,
    });
    expect(calls[0]).toMatchObject({
      url: "http://x/v1/auth/accesstokenrequest",
      method: "POST",
      auth: undefined,
    });
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      name: "u",
      password: "p",
      appId: "a",
      appVersion: "1",
      deviceId: "d",
      cid: 5,
      sec: "s",
    });
  });

  it("turns errorText into a rejected error without echoing the password", async () => {
    const { rest } = client([{ body: { errorText: "Incorrect username or password" } }]);
    const err = await rest
      .accessTokenRequest({ name: "u", password: "pw-SECRET", appId: "a", appVersion: "1", deviceId: "d" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rejected" });
    expect(String((err as Error).message)).not.toContain("SECRET");
  });

  it("renews with the bearer token, resending a penalised GET as POST with p-ticket", async () => {
    const { rest, calls, limiter } = client([
      { body: { "p-ticket": "pt", "p-time": 0.01 } },
      { body: TOKEN },
    ]);
    const t = await rest.renewAccessToken("old-token");
    expect(t.accessToken).toBe("tok-SECRET");
    expect(calls.map((c) => [c.method, c.auth, c.body])).toEqual([
      ["GET", "Bearer old-token", undefined],
      ["POST", "Bearer old-token", '{"p-ticket":"pt"}'],
    ]);
    expect(limiter.budget().left).toBe(998);
  });

  it("locks the limiter out on HTTP 429, honouring Retry-After, and alerts", async () => {
    const { rest, limiter, logger } = client([{ status: 429, headers: { "retry-after": "120" } }]);
    await expect(rest.call("account/list", { token: "t" })).rejects.toMatchObject({ kind: "rateLimited" });
    const until = limiter.budget().blockedUntil!;
    expect(until - Date.now()).toBeGreaterThan(100_000);
    expect(until - Date.now()).toBeLessThanOrEqual(120_000);
    await expect(rest.call("account/list", { token: "t" })).rejects.toMatchObject({ kind: "rateLimited" });
    expect(logger.lines.some((l) => l.startsWith("error") && l.includes("429"))).toBe(true);
  });

  it("reports HTTP errors and non-JSON bodies as typed errors", async () => {
    const { rest } = client([{ status: 401, body: "Access is denied" }, { body: "<html>" }]);
    await expect(rest.call("account/list", { token: "t" })).rejects.toMatchObject({
      kind: "status",
      status: 401,
    });
    await expect(rest.call("account/list", { token: "t" })).rejects.toMatchObject({ kind: "transport" });
  });
});
