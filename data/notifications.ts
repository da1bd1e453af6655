import { z } from "zod";
import { secretSource } from "./secretSource.js";

/**
 * The `notifications` section of the config: where the events that matter are sent (a phone, a
 * chat) and which of them each target wants. Every token, and every URL that holds one (a Discord
 * webhook URL is its own password), comes from a secret source, never from this file.
 */

/**
 * What a notification can be about, with the words `mimik notify test --help` and the README use.
 * A new kind is one line here and one rule in src/notify/rules.ts.
 */
export const NOTICE_KINDS = {
  closeOut: "a follower is being flattened: a risk limit tripped (or a flatten by hand); liquidate only",
  locked: "a follower is LOCKED (after a close-out, a lock by hand, or the broker's own lock)",
  liquidateOnly: "the broker (Tradovate's risk) set a follower liquidation-only",
  outOfSync: "a follower's position differs from what its rule expects (after a reconnect)",
  connectionLost: "a broker connection dropped or cannot connect; mimik is reconnecting",
  connectionRestored: "a broker connection is back after being lost",
  connectionNeedsYou: "a broker connection gave up: login refused, API key, lockout (needs you)",
  rejected: "the broker rejected a copy",
  notSent: "a copy could not be sent (timeout, disconnected, rate limit)",
  heldBack: "an opening was held back by a rule (locked, liquidate only, max contracts, whitelist …)",
  error: "anything else mimik reports as an error (a flatten that failed, a state file it cannot save …)",
} as const;

export type NoticeKind = keyof typeof NOTICE_KINDS;
export const NOTICE_KIND_NAMES = Object.keys(NOTICE_KINDS) as NoticeKind[];

export const TARGET_KINDS = ["webhook", "discord", "telegram", "ntfy"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Plain http only to this machine (a local relay, tests): a token must not cross a network in clear. */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** What is wrong with a target's URL, if anything, in words that follow "the URL …". */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return HTTPS_RULE;
  }
  if (!(url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname))))
    return HTTPS_RULE;
  // fetch refuses such a URL every time, and its error repeats the URL, password and all.
  if (url.username || url.password)
    return 'must not hold a user name or password (fetch cannot send them; give the target a "token")';
  return undefined;
}

const HTTPS_RULE = "must be an https URL (plain http only to 127.0.0.1 or localhost)";

const targetUrl = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    const problem = urlProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const targetName = z
  .string()
  .trim()
  .min(1, "target name must not be empty")
  .max(64, "target name must be at most 64 characters")
  .refine((s) => !CONTROL.test(s), "target name must not contain control characters");

/** Per kind on/off; a kind left out is on. */
const kindSwitches = z.strictObject(
  Object.fromEntries(NOTICE_KIND_NAMES.map((k) => [k, z.boolean().optional()])) as Record<
    NoticeKind,
    z.ZodOptional<z.ZodBoolean>
  >,
);

const common = { name: targetName, kinds: kindSwitches.optional() };

/** A field that holds one of two things, the second when it is a secret: exactly one must be given. */
function oneOf(a: string, b: string, what: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const has = [value[a] !== undefined, value[b] !== undefined];
    if (has[0] === has[1])
      ctx.addIssue({
        code: "custom",
        path: [has[0] ? b : a],
        message: has[0]
          ? `give either "${a}" or "${b}", not both`
          : `is missing; ${what} needs "${a}" (or "${b}" when it holds a secret)`,
      });
  };
}

export const webhookTargetSchema = z
  .strictObject({
    ...common,
    kind: z.literal("webhook"),
    /** A URL with nothing secret in it; otherwise urlSecret. */
    url: targetUrl.optional(),
    urlSecret: secretSource.optional(),
    /** Sent as `Authorization: Bearer …`. */
    token: secretSource.optional(),
  })
  .superRefine(oneOf("url", "urlSecret", "a webhook target"));

export const discordTargetSchema = z.strictObject({
  ...common,
  kind: z.literal("discord"),
  /** https://discord.com/api/webhooks/ID/TOKEN: the URL is the password. */
  urlSecret: secretSource,
  url: z
    .undefined({
      error:
        'a Discord webhook URL holds its token: keep it in an environment variable or a credentials file and name it with "urlSecret"',
    })
    .optional(),
});

export const telegramTargetSchema = z.strictObject({
  ...common,
  kind: z.literal("telegram"),
  /** The bot token from @BotFather. */
  token: secretSource,
  chatId: z.union([
    z.number().int("must be a whole number (the chat id)"),
    z.string().trim().min(1, "must not be empty"),
  ]),
  /** The Bot API's address; default https://api.telegram.org. */
  url: targetUrl.optional(),
});

export const ntfyTargetSchema = z
  .strictObject({
    ...common,
    kind: z.literal("ntfy"),
    /** The server; default https://ntfy.sh. */
    url: targetUrl.optional(),
    /** On a public server the topic name is all that guards it: prefer topicSecret there. */
    topic: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, - or _")
      .optional(),
    topicSecret: secretSource.optional(),
    /** An access token (tk_…), sent as `Authorization: Bearer …`. */
    token: secretSource.optional(),
  })
  .superRefine(oneOf("topic", "topicSecret", "an ntfy target"));

export const targetSchema = z.discriminatedUnion("kind", [
  webhookTargetSchema,
  discordTargetSchema,
  telegramTargetSchema,
  ntfyTargetSchema,
]);

export const notificationsSchema = z
  .strictObject({
    targets: z.array(targetSchema).default([]),
    /** Repeats of one kind about one thing within this many seconds become one message with a count. */
    collapseSeconds: z.number().int("must be a whole number of seconds").min(0).max(3600).default(60),
  })
  .superRefine((section, ctx) => {
    const seen = new Map<string, number>();
    section.targets.forEach((t, i) => {
      const key = t.name.toUpperCase();
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "name"],
          message: `is already the name of target ${first}; target names must be unique`,
        });
      else seen.set(key, i);
    });
  });

export type Notifications = z.infer<typeof notificationsSchema>;
export type NotificationTarget = z.infer<typeof targetSchema>;

/** Is this kind switched on for the target? Kinds are on unless switched off. */
export function wantsKind(target: NotificationTarget, kind: NoticeKind): boolean {
  return target.kinds?.[kind] !== false;
}
