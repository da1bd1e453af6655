import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateConfigValue } from "../../data/configFile.js";
import { formatProblems } from "../../data/problems.js";
import type { Config } from "../../data/schema.js";
import {
  forgetTargetSecretEnv,
  resolveTargetSecrets,
  targetSecretProblems,
  targetSecretValues,
} from "../../src/notify/secrets.js";
import { tempDir, validRaw } from "../data/fixtures.js";

/** The notifications section as `mimik config check` judges it: each mistake, where, in words. */

function problemsFor(notifications: unknown): string[] {
  const result = validateConfigValue({ ...validRaw(), notifications }, "c.json");
  return result.ok ? [] : formatProblems(result.problems).split("\n");
}

describe("the notifications section", () => {
  it("a good one passes, with defaults filled in", () => {
    const result = validateConfigValue(
      {
        ...validRaw(),
        notifications: {
          targets: [
            { name: "phone", kind: "telegram", token: { env: "TG" }, chatId: 123456 },
            { name: "chat", kind: "discord", urlSecret: { file: "/x/creds.json", key: "discord" } },
            { name: "push", kind: "ntfy", topicSecret: { env: "NTFY_TOPIC" }, kinds: { heldBack: false } },
            { name: "relay", kind: "webhook", url: "http://127.0.0.1:9000/mimik" },
          ],
        },
      },
      "c.json",
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.notifications?.collapseSeconds).toBe(60);
  });

  it.each<[string, unknown, string[]]>([
    [
      "a webhook with no address",
      { targets: [{ name: "h", kind: "webhook" }] },
      [
        'c.json: notifications.targets[0].url: is missing; a webhook target needs "url" (or "urlSecret" when it holds a secret)',
      ],
    ],
    [
      "both a plain and a secret address",
      { targets: [{ name: "h", kind: "webhook", url: "https://x.example/h", urlSecret: { env: "H" } }] },
      ['c.json: notifications.targets[0].urlSecret: give either "url" or "urlSecret", not both'],
    ],
    [
      "plain http to another machine",
      { targets: [{ name: "h", kind: "webhook", url: "http://x.example/h" }] },
      [
        'c.json: notifications.targets[0].url: "http://x.example/h" must be an https URL (plain http only to 127.0.0.1 or localhost)',
      ],
    ],
    [
      // fetch refuses such a URL, and its error would print the password on screen and in the journal.
      "a URL with a user name and password in it",
      {
        targets: [
          { name: "n", kind: "ntfy", topic: "abc", url: "https://me:hunter2-secret@ntfy.example.com" },
        ],
      },
      [
        'c.json: notifications.targets[0].url: must not hold a user name or password (fetch cannot send them; give the target a "token")',
      ],
    ],
    [
      "a Discord URL pasted into the config",
      { targets: [{ name: "d", kind: "discord", url: "https://discord.com/api/webhooks/1/abcdef" }] },
      [
        'c.json: notifications.targets[0].urlSecret: must say where the secret comes from: {"env": "VARIABLE_NAME"} or {"file": "/path/to/credentials.json", "key": "name"}; never put the secret itself in the config',
        'c.json: notifications.targets[0].url: a Discord webhook URL holds its token: keep it in an environment variable or a credentials file and name it with "urlSecret"',
      ],
    ],
    [
      "a bot token pasted into the config",
      { targets: [{ name: "t", kind: "telegram", token: "123:abc", chatId: 1 }] },
      [
        'c.json: notifications.targets[0].token: must say where the secret comes from: {"env": "VARIABLE_NAME"} or {"file": "/path/to/credentials.json", "key": "name"}; never put the secret itself in the config',
      ],
    ],
    [
      "a misspelt kind switch",
      { targets: [{ name: "n", kind: "ntfy", topic: "abc", kinds: { lockd: false } }] },
      [
        'c.json: notifications.targets[0].kinds.lockd: unknown field "lockd" (did you mean "locked"? otherwise remove it)',
      ],
    ],
    [
      "an unknown service",
      { targets: [{ name: "s", kind: "slack" }] },
      [
        'c.json: notifications.targets[0].kind: "slack" is not one of the allowed choices (use "kind": "webhook" or "discord" or "telegram" or "ntfy")',
      ],
    ],
    [
      "two targets with one name",
      {
        targets: [
          { name: "phone", kind: "ntfy", topic: "a" },
          { name: "Phone", kind: "ntfy", topic: "b" },
        ],
      },
      [
        'c.json: notifications.targets[1].name: "Phone" is already the name of target 0; target names must be unique',
      ],
    ],
    [
      "a collapse window that is not whole seconds",
      { targets: [], collapseSeconds: 2.5 },
      ["c.json: notifications.collapseSeconds: must be a whole number of seconds"],
    ],
  ])("%s", (_what, notifications, expected) => {
    expect(problemsFor(notifications)).toEqual(expected);
  });
});

describe("target secrets", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  function config(targets: unknown[]): Config {
    const result = validateConfigValue({ ...validRaw(), notifications: { targets } }, "c.json");
    if (!result.ok) throw new Error(formatProblems(result.problems));
    return result.config;
  }

  it("reads each target's secrets from the environment and from a 0600 file", async () => {
    const creds = join(dir, "creds.json");
    await writeFile(creds, JSON.stringify({ discord: "https://discord.com/api/webhooks/1/very-secret" }));
    await chmod(creds, 0o600);
    const c = config([
      { name: "chat", kind: "discord", urlSecret: { file: creds, key: "discord" } },
      { name: "phone", kind: "telegram", token: { env: "TG" }, chatId: 5 },
    ]);
    const resolved = await resolveTargetSecrets(c, { TG: "123:bot-secret" });
    expect(resolved).toEqual({
      chat: { ok: true, secrets: { url: "https://discord.com/api/webhooks/1/very-secret" } },
      phone: { ok: true, secrets: { token: "123:bot-secret" } },
    });
    // A service may echo only the path of a secret URL: it is scrubbed too.
    expect(targetSecretValues(resolved).sort()).toEqual(
      [
        "123:bot-secret",
        "https://discord.com/api/webhooks/1/very-secret",
        "/api/webhooks/1/very-secret",
      ].sort(),
    );
  });

  it("lists the secrets of a URL whose path has a % that is not an escape, instead of throwing", () => {
    const url = "https://hooks.example.com/in/100%-sure-0123456789/tok%E9n-abcdefghijkl";
    const values = targetSecretValues({ hook: { ok: true, secrets: { url } } });
    expect(values).toEqual(
      expect.arrayContaining([url, "/in/100%-sure-0123456789/tok%E9n-abcdefghijkl", "tok%E9n-abcdefghijkl"]),
    );
  });

  it("a target whose secret is missing or wrong is kept with the reason, never the value", async () => {
    const c = config([
      { name: "chat", kind: "discord", urlSecret: { env: "DISCORD_URL" } },
      { name: "phone", kind: "telegram", token: { env: "TG" }, chatId: 5 },
      { name: "push", kind: "ntfy", topicSecret: { env: "TOPIC" } },
    ]);
    const env = { DISCORD_URL: "http://discord.example/api/webhooks/1/leaky", TOPIC: "a/b" };
    const resolved = await resolveTargetSecrets(c, env);
    expect(resolved).toEqual({
      chat: {
        ok: false,
        problem:
          "the URL in environment variable DISCORD_URL must be an https URL (plain http only to 127.0.0.1 or localhost)",
      },
      phone: {
        ok: false,
        problem: "environment variable TG is not set (export TG=… before starting mimik)",
      },
      push: {
        ok: false,
        problem: "the topic in environment variable TOPIC must be 1-64 letters, digits, - or _",
      },
    });
    const problems = formatProblems(await targetSecretProblems(c, "c.json", env));
    expect(problems.split("\n").map((l) => l.split(":")[1]?.trim())).toEqual([
      "notifications.targets[0].urlSecret",
      "notifications.targets[1].token",
      "notifications.targets[2].topicSecret",
    ]);
    expect(problems).not.toContain("leaky");
  });

  it("a secret URL with a user name and password in it is refused, naming its source, not its value", async () => {
    const c = config([{ name: "hook", kind: "webhook", urlSecret: { env: "HOOK_URL" } }]);
    const resolved = await resolveTargetSecrets(c, {
      HOOK_URL: "https://me:hunter2-secret@hooks.example.com/in",
    });
    expect(resolved).toEqual({
      hook: {
        ok: false,
        problem:
          'the URL in environment variable HOOK_URL must not hold a user name or password (fetch cannot send them; give the target a "token")',
      },
    });
  });

  it("a secret that is only blanks is refused: nothing would go out with an empty token", async () => {
    const creds = join(dir, "creds.json");
    await writeFile(creds, JSON.stringify({ hook: " \t " }));
    await chmod(creds, 0o600);
    const c = config([
      { name: "phone", kind: "telegram", token: { env: "TG" }, chatId: 5 },
      {
        name: "ops",
        kind: "webhook",
        url: "https://hooks.example.com/in",
        token: { file: creds, key: "hook" },
      },
    ]);
    const env = { TG: " \n" };
    expect(await resolveTargetSecrets(c, env)).toEqual({
      phone: { ok: false, problem: "environment variable TG holds only blanks" },
      ops: { ok: false, problem: `entry "hook" of credentials file ${creds} holds only blanks` },
    });
    const problems = formatProblems(await targetSecretProblems(c, "c.json", env));
    expect(problems.split("\n").map((l) => l.split(":")[1]?.trim())).toEqual([
      "notifications.targets[0].token",
      "notifications.targets[1].token",
    ]);
  });

  it("a token with a line break inside is refused at start, not sent as a header fetch cannot write", async () => {
    const c = config([
      { name: "ops", kind: "webhook", url: "https://hooks.example.com/in", token: { env: "HOOK_TOKEN" } },
      { name: "phone", kind: "telegram", token: { env: "TG" }, chatId: 5 },
    ]);
    const env = { HOOK_TOKEN: "first-half\nsecond-half", TG: "123:abc\tdef" };
    expect(await resolveTargetSecrets(c, env)).toEqual({
      ops: {
        ok: false,
        problem:
          "the token in environment variable HOOK_TOKEN holds a line break, a tab or another control character",
      },
      phone: {
        ok: false,
        problem:
          "the token in environment variable TG holds a line break, a tab or another control character",
      },
    });
  });

  it("forgets the environment variables it read", () => {
    const c = config([{ name: "phone", kind: "telegram", token: { env: "TG" }, chatId: 5 }]);
    const env: NodeJS.ProcessEnv = { TG: "x", OTHER: "y" };
    forgetTargetSecretEnv(c, env);
    expect(env).toEqual({ OTHER: "y" });
  });
});
