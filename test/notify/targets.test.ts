import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationTarget } from "../../data/notifications.js";
import { systemClock } from "../../engine/index.js";
import type { Notice } from "../../src/notify/rules.js";
import type { TargetSecrets } from "../../src/notify/secrets.js";
import { postOnce, retryAfter } from "../../src/notify/send.js";
import { bodyOf, DEFAULT_URLS, requestFor } from "../../src/notify/targets.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { startTestServer, type TestServer } from "./server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const lock: Notice = {
  kind: "locked",
  level: "warn",
  subject: "DEMO2001",
  text: "DEMO2001: LOCKED (daily loss -$1,000 reached)",
  at: Date.UTC(2026, 10, 27, 15, 0, 0),
};

/** Sends one message through the real sender to the test server; returns what the server got. */
async function deliver(target: NotificationTarget, secrets: TargetSecrets) {
  const before = server.received.length;
  const result = await postOnce(requestFor(target, secrets, { notice: lock }), {
    clock: systemClock,
    timeoutMs: 5000,
  });
  expect(result).toEqual({ ok: true, status: 200 });
  return (await server.requests(before + 1))[before]!;
}

describe("each target's message, as the service receives it", () => {
  it("webhook: a JSON POST to its URL, with the token as a bearer header", async () => {
    const got = await deliver(
      { name: "hook", kind: "webhook", urlSecret: { env: "X" } },
      { url: `${server.url}/hooks/abc`, token: "hook-token-1" },
    );
    expect(got.method).toBe("POST");
    expect(got.path).toBe("/hooks/abc");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers.authorization).toBe("Bearer hook-token-1");
    expect(got.json()).toEqual({
      source: "mimik",
      kind: "locked",
      level: "warn",
      title: "mimik · Locked",
      subject: "DEMO2001",
      text: "DEMO2001: LOCKED (daily loss -$1,000 reached)",
      at: "2026-11-27T15:00:00.000Z",
      repeats: 0,
      dropped: 0,
    });
  });

  it("discord: content with a bold title, and no @mentions allowed", async () => {
    const got = await deliver(
      { name: "d", kind: "discord", urlSecret: { env: "X" } },
      { url: `${server.url}/api/webhooks/1/tok` },
    );
    expect(got.path).toBe("/api/webhooks/1/tok");
    expect(got.headers.authorization).toBeUndefined();
    expect(got.json()).toEqual({
      username: "mimik",
      content: "**mimik · Locked**\nDEMO2001: LOCKED (daily loss -$1,000 reached)",
      allowed_mentions: { parse: [] },
    });
  });

  it("discord: names and reasons are not read as Markdown; a cut never leaves half an escape", () => {
    const secrets = { url: "http://127.0.0.1:1/api/webhooks/1/tok" };
    const target = { name: "d", kind: "discord", urlSecret: { env: "X" } } as const;
    const text = "__EVAL__ *2: LOCKED (`risk` ~~x~~ || y) > #1 -$5 [a](b) <@1> \\\n- > # z";
    const got = JSON.parse(requestFor(target, secrets, { notice: { ...lock, text }, dropped: 2 }).body);
    expect(got.content).toBe(
      "**mimik · Locked**\n" +
        "\\_\\_EVAL\\_\\_ \\*2: LOCKED (\\`risk\\` \\~\\~x\\~\\~ \\|\\| y) > #1 -$5 \\[a\\](b) \\<@1> \\\\\n" +
        "\\- > # z\n" +
        "(2 notifications dropped: too many at once)",
    );
    // Other services get the text as it is.
    const plain = requestFor(
      { name: "t", kind: "telegram", chatId: "1", token: { env: "T" } },
      { token: "t" },
      { notice: { ...lock, text } },
    );
    expect(JSON.parse(plain.body).text).toContain(text);
    // Cut inside an escape: the pair goes whole or not at all.
    for (let n = 1890; n < 1910; n++) {
      const long = { ...lock, text: `${"x".repeat(n)}${"_".repeat(40)}` };
      const body = JSON.parse(requestFor(target, secrets, { notice: long }).body).content as string;
      expect(body).toMatch(/(^|[^\\])(\\\\)*…$/);
      expect(body.length).toBeLessThanOrEqual(2000);
    }
  });

  it("telegram: sendMessage under the bot token, plain text to the chat", async () => {
    const got = await deliver(
      { name: "t", kind: "telegram", token: { env: "X" }, chatId: -100123, url: server.url },
      { token: "123:bot-token" },
    );
    expect(got.path).toBe("/bot123:bot-token/sendMessage");
    expect(got.json()).toEqual({
      chat_id: -100123,
      text: "mimik · Locked\nDEMO2001: LOCKED (daily loss -$1,000 reached)",
      disable_web_page_preview: true,
    });
  });

  it("ntfy: JSON to the server root naming the topic, priority by level, the kind as a tag", async () => {
    const got = await deliver(
      { name: "n", kind: "ntfy", url: `${server.url}/`, topicSecret: { env: "X" }, token: { env: "Y" } },
      { topic: "mimik-secret-topic", token: "tk_abc" },
    );
    expect(got.path).toBe("/");
    expect(got.headers.authorization).toBe("Bearer tk_abc");
    expect(got.json()).toEqual({
      topic: "mimik-secret-topic",
      title: "mimik · Locked",
      message: "DEMO2001: LOCKED (daily loss -$1,000 reached)",
      priority: 4,
      tags: ["locked"],
    });
  });

  it("the public services are the defaults", () => {
    const notice = { notice: lock };
    expect(
      requestFor({ name: "t", kind: "telegram", token: { env: "X" }, chatId: 1 }, { token: "T" }, notice).url,
    ).toBe(`${DEFAULT_URLS.telegram}/botT/sendMessage`);
    expect(requestFor({ name: "n", kind: "ntfy", topic: "abc" }, {}, notice).url).toBe(DEFAULT_URLS.ntfy);
    expect(JSON.parse(requestFor({ name: "n", kind: "ntfy", topic: "abc" }, {}, notice).body).topic).toBe(
      "abc",
    );
  });
});

describe("the words of a message", () => {
  it.each([
    [{}, "DEMO2001: LOCKED (daily loss -$1,000 reached)"],
    [
      { repeats: 4, windowSeconds: 60 },
      "DEMO2001: LOCKED (daily loss -$1,000 reached)\n(4 more like this in the last 60 s)",
    ],
    [
      { dropped: 1 },
      "DEMO2001: LOCKED (daily loss -$1,000 reached)\n(1 notification dropped: too many at once)",
    ],
  ])("%j", (extra, expected) => {
    const { dropped, ...noticeExtra } = extra as {
      dropped?: number;
      repeats?: number;
      windowSeconds?: number;
    };
    expect(bodyOf({ notice: { ...lock, ...noticeExtra }, dropped })).toBe(expected);
  });

  it("a long text is cut to fit every service", () => {
    const body = bodyOf({ notice: { ...lock, text: "x".repeat(5000) } });
    expect(body.length).toBe(1900);
    expect(body.endsWith("…")).toBe(true);
  });

  it("a long text cut short keeps the counts of repeats and drops, and never half a character", () => {
    // The cut falls in the middle of an emoji (two UTF-16 units), which alone is not valid UTF-8.
    const text = `${"x".repeat(1890)}🔒🔒🔒${"y".repeat(3000)}`;
    const body = bodyOf({ notice: { ...lock, text, repeats: 10, windowSeconds: 60 }, dropped: 2 });
    expect(body.length).toBeLessThanOrEqual(1900);
    expect(body).toMatch(
      /…\n\(10 more like this in the last 60 s\)\n\(2 notifications dropped: too many at once\)$/,
    );
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    // Cut at every length around the emoji, no half of one is left.
    for (let n = 1880; n < 1900; n++) {
      const cut = bodyOf({ notice: { ...lock, text: `${"x".repeat(n)}${"🔒".repeat(40)}` } });
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});

describe("what a service's answer means", () => {
  const post = (clock = new FakeClock(), timeoutMs = 5000) =>
    postOnce({ url: `${server.url}/x`, headers: {}, body: "{}" }, { clock, timeoutMs });

  it.each([
    [{ status: 204 }, { ok: true, status: 204 }],
    [
      { status: 401, body: '{"ok":false,"description":"Unauthorized"}' },
      { ok: false, retryable: false, error: 'HTTP 401: {"ok":false,"description":"Unauthorized"}' },
    ],
    [
      { status: 404, body: "" },
      { ok: false, retryable: false, error: "HTTP 404" },
    ],
    [
      { status: 503, body: "busy" },
      { ok: false, retryable: true, error: "HTTP 503: busy" },
    ],
    [
      { status: 429, body: "slow down", headers: { "retry-after": "7" } },
      { ok: false, retryable: true, error: "HTTP 429: slow down", retryAfterMs: 7000 },
    ],
    [
      { status: 429, body: '{"ok":false,"parameters":{"retry_after":3}}' },
      {
        ok: false,
        retryable: true,
        error: 'HTTP 429: {"ok":false,"parameters":{"retry_after":3}}',
        retryAfterMs: 3000,
      },
    ],
  ])("%j", async (answer, expected) => {
    server.answers = [answer];
    expect(await post()).toEqual(expected);
  });

  it("a Retry-After given as a date waits until then, not the usual 2 s", async () => {
    const clock = new FakeClock();
    const until = new Date(clock.now() + 45_000).toUTCString();
    server.answers = [{ status: 429, body: "", headers: { "retry-after": until } }];
    expect(await post(clock)).toEqual({
      ok: false,
      retryable: true,
      error: "HTTP 429",
      retryAfterMs: 45_000,
    });
  });

  it("a service that never answers is a timeout, worth a retry", async () => {
    const clock = new FakeClock();
    const before = server.received.length;
    server.answers = ["hang"];
    const pending = post(clock, 10_000);
    await server.requests(before + 1);
    clock.advance(10_000);
    expect(await pending).toEqual({ ok: false, retryable: true, error: "no answer within 10 s" });
  });

  it("a service that cannot be reached is worth a retry, and says why without the URL", async () => {
    const dead = await startTestServer();
    const url = `${dead.url}/bot123:secret/sendMessage`;
    await dead.close();
    const result = await postOnce(
      { url, headers: {}, body: "{}" },
      { clock: new FakeClock(), timeoutMs: 5000 },
    );
    expect(result).toEqual({ ok: false, retryable: true, error: "cannot reach it (ECONNREFUSED)" });
  });

  it.each([
    ["2", "", 2000],
    [null, '{"retry_after": 1.5}', 1500],
    [null, '{"parameters": {"retry_after": 30}}', 30_000],
    [null, "not json", undefined],
    ["soon", "", undefined],
    ["", "", undefined], // no wait asked: the usual backoff, not an immediate retry
  ])("Retry-After %j with body %j → %j ms", (header, body, expected) => {
    expect(retryAfter(header, body)).toBe(expected);
  });
});
