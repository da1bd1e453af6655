import { z } from "zod";
import { connectionRules, groupRules } from "./configRules.js";
import { notificationsSchema } from "./notifications.js";
import { secretSource } from "./secretSource.js";
import { windowsSchema } from "./windows.js";

/**
 * The config file's shape. Every rule a trader can break by hand-editing the file lives here
 * or in `groupRules`, so `mimik config check`, the repository and the UI forms all refuse the
 * same things with the same words.
 */

export const CONFIG_VERSION = 1;

/** Root symbols are letters and digits, 1-4 characters, never a contract month (ESZ6 is a contract). */
const ROOT_SYMBOL = /^[A-Z0-9]{1,4}$/;
const CONTRACT_NAME = /^([A-Z0-9]{1,4}?)([FGHJKMNQUVXZ])(\d)$/;

export const rootSymbol = z
  .string()
  .trim()
  .toUpperCase()
  .refine((s) => ROOT_SYMBOL.test(s) && !CONTRACT_NAME.test(s), {
    message: "must be a root symbol such as ES, NQ, MES or CL, not a contract month like ESZ6",
  });

/** C0/C1 control characters: an escape sequence in a name would reach every terminal that shows it. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(64, `${what} must be at most 64 characters`)
    .refine((s) => !CONTROL.test(s), `${what} must not contain control characters`);

export { secretSource };
export { connectionRules, groupRules };

export const tradovateConnectionSchema = z.strictObject({
  name: name("connection name"),
  /** Which broker this login is at; Tradovate when absent. */
  broker: z.literal("tradovate").optional(),
  env: z.enum(["sim", "demo", "live"]),
  /** sim only: where a standalone simulator listens. Absent = the embedded simulator. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  username: name("username"),
  password: secretSource,
  appId: z.string().min(1).default("mimik"),
  appVersion: z.string().min(1).default("0.1.0"),
  /** Numeric id of the API key (Tradovate's `cid`). Required for demo and live; optional on the simulator. */
  cid: z.number().int().nonnegative().optional(),
  /** Where the API key's secret (Tradovate's `sec`) comes from. Required for demo and live. */
  secret: secretSource.optional(),
  /** Stable per machine; Tradovate verifies it for live trading. Generated when absent. */
  deviceId: z.string().min(1).max(64).optional(),
  /**
   * The request budget mimik keeps to on this login. Default: Tradovate's published user limits
   * (1,000/s, 5,000/min, 5,000/h). Set it only for a login whose limits differ, such as a
   * simulator scenario with limits of its own.
   */
  requestBudget: z
    .strictObject({
      perSecond: z.number().int().positive().optional(),
      perMinute: z.number().int().positive().optional(),
      perHour: z.number().int().positive().optional(),
    })
    .optional(),
});

/** A ProjectX root: letters and digits, up to 6 (EP, ENQ, MCLE …). */
const brokerRoot = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,6}$/, "must be ProjectX's root for the product, letters and digits (e.g. EP, ENQ)");

const https = z.url({ protocol: /^https?$/ });

/**
 * A ProjectX (TopstepX) login: its user name and API key (the platform's settings → API). `live`
 * talks to TopstepX's hosts unless `hosts` names others (another firm on ProjectX); `sim` to
 * mimik's simulator (`url`, or the embedded one).
 */
export const projectxConnectionSchema = z.strictObject({
  name: name("connection name"),
  broker: z.literal("projectx"),
  env: z.enum(["sim", "live"]).default("live"),
  /** sim only: where a standalone simulator listens. Absent = the embedded simulator. */
  url: https.optional(),
  /** The ProjectX user name the API key belongs to. */
  username: name("username"),
  /** Where the API key comes from (never the key itself). */
  apiKey: secretSource,
  /** live only: the firm's hosts, when not TopstepX's. Each one absent = TopstepX's. */
  hosts: z
    .strictObject({
      api: https.optional(),
      userHub: https.optional(),
      marketHub: https.optional(),
    })
    .optional(),
  /** Canonical root → ProjectX root, where ProjectX names a product otherwise than CME (ES → EP is built in). */
  symbols: z.record(rootSymbol, brokerRoot).optional(),
});

/** Tradovate when `broker` is absent. */
export const connectionSchema = z.discriminatedUnion("broker", [
  tradovateConnectionSchema,
  projectxConnectionSchema,
]);

export const accountSchema = z.strictObject({
  /** The broker's account name, e.g. DEMO123456. */
  name: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9_-]{1,64}$/,
      "must be the broker's account name (letters and digits, e.g. DEMO123456)",
    ),
  connection: name("connection"),
  /** A short nickname shown on screen and accepted by --follower. */
  label: z
    .string()
    .trim()
    .max(24)
    .refine((s) => !CONTROL.test(s), "label must not contain control characters")
    .optional(),
  /**
   * The prop firm the account is at (any name; compared without case). Followers of one firm are
   * never left on opposite sides of an instrument (the hedge guard).
   */
  firm: name("firm").optional(),
});

/** Multiplier with at most three decimals, kept exact by the engine as integer thousandths. */
export const multiplier = z
  .number()
  .positive("must be greater than 0")
  .max(100, "must be at most 100")
  .refine((m) => Math.abs(m * 1000 - Math.round(m * 1000)) < 1e-6, {
    message: "must have at most 3 decimals (e.g. 0.5, 1.25, 0.125)",
  });

export const sizingSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("multiplier"), value: multiplier }),
  z.strictObject({
    mode: z.literal("fixed"),
    contracts: z.number().int("must be a whole number").positive("must be at least 1").max(1000),
  }),
]);

const dollars = z.number().positive("must be a positive dollar amount").max(1e9);

export const limitsSchema = z.strictObject({
  /** Loss from the start-of-day balance (net liquidation), in dollars. */
  dailyLoss: dollars.optional(),
  /** Drop from the intraday high-water mark of net liquidation, in dollars. */
  trailingDrawdown: dollars.optional(),
  /** Profit from the start-of-day balance at which the follower stops for the day. */
  dailyProfitTarget: dollars.optional(),
  /** Loss from the net liquidation at the start of the trading week (Sunday 17:00 CT roll), in dollars. */
  weeklyLoss: dollars.optional(),
  /** Drop from the day's peak of net liquidation (since the day's start), in dollars. */
  dailyGiveBack: dollars.optional(),
  /** Copied opening orders per trading day. */
  maxTradesPerDay: z.number().int().positive().optional(),
  /**
   * The most contracts the account may hold across all its positions at once (a prop firm's
   * maximum position size), each contract counted as one, a micro too. Caps openings only.
   */
  maxOpenContracts: z
    .number()
    .int("must be a whole number")
    .positive("must be at least 1")
    .max(10_000)
    .optional(),
});

export const mappingSchema = z.enum(["none", "toMicro", "toMini"]);

export const followerSchema = z.strictObject({
  account: name("follower account"),
  enabled: z.boolean().default(true),
  sizing: sizingSchema,
  /** Caps the absolute position after an opening copy; never caps a close. */
  maxContracts: z.number().int().positive("must be at least 1").optional(),
  mapping: mappingSchema.default("none"),
  limits: limitsSchema.default({}),
  /**
   * Issue 16: decided for exactly as a live follower, and what it would have sent is recorded
   * (fills pane, journal, report); nothing is ever sent to its account.
   */
  shadow: z.boolean({ error: "must be true or false" }).optional(),
});

export const whitelistSchema = z.strictObject({
  enabled: z.boolean().default(true),
  symbols: z.array(rootSymbol).default([]),
});

/**
 * Issue 14: what becomes of a follower's mirrored order when the leader's filled and it did not:
 * after `afterSeconds`, an entry is sent to market or cancelled (`entries`); an exit always goes
 * to market (exits follow the leader).
 */
export const lateSchema = z.strictObject({
  afterSeconds: z
    .number()
    .positive("must be more than 0 seconds")
    .max(3600, "must be at most 3600 seconds (an hour)")
    .default(5),
  entries: z.enum(["market", "cancel"], { error: 'must be "market" or "cancel"' }).default("market"),
});

export const copyModeSchema = z.enum(["fills", "orders"], {
  error:
    'must be "fills" (copy the leader\'s fills; the default) or "orders" (mirror its working orders too)',
});

export const groupSchema = z
  .strictObject({
    name: name("group name"),
    active: z.boolean().default(true),
    leader: name("leader account"),
    whitelist: whitelistSchema.default({ enabled: false, symbols: [] }),
    /**
     * What a re-sync makes up of the leader's changes a follower missed: "exits" (absent: the
     * default) reduces and closes by the rule, "full" also opens, "off" makes up nothing.
     */
    reconcile: z.enum(["exits", "off", "full"]).optional(),
    /** What is copied: the leader's fills (default), or its working orders too (issue 14). */
    copy: copyModeSchema.optional(),
    /** copy "fills": each follower also gets a native OCO at the leader's exit prices. */
    protect: z.boolean().optional(),
    late: lateSchema.optional(),
    /**
     * Leader order actions (placements, moves, cancels) expected per hour, for `mimik config
     * check`'s request budget warning. Default: 120 with copy "orders", 40 with protect.
     */
    expectedOrdersPerHour: z
      .number()
      .int("must be a whole number")
      .positive("must be at least 1")
      .max(1_000_000)
      .optional(),
    followers: z.array(followerSchema).default([]),
    /** Issue 16: when openings may be copied, a flat-by time and news blackouts (data/windows.ts). */
    windows: windowsSchema.optional(),
  })
  .superRefine((g, ctx) => {
    if (g.protect === true && g.copy === "orders")
      ctx.addIssue({
        code: "custom",
        path: ["protect"],
        message:
          'protect goes with copy "fills"; copy "orders" mirrors the leader\'s exits already: remove "protect" or set copy to "fills"',
      });
  });

const configShape = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(CONFIG_VERSION),
  connections: z.array(connectionSchema).default([]),
  accounts: z.array(accountSchema).default([]),
  groups: z.array(groupSchema).default([]),
  /**
   * The hedge guard (issue 16): an opening copy that would leave a follower opposite another
   * follower of the same firm in the same or an equivalent instrument is skipped. On unless false.
   */
  hedgeGuard: z.boolean({ error: "must be true or false" }).optional(),
  /** Where the events that matter are sent (a phone, a chat); absent = nowhere. */
  notifications: notificationsSchema.optional(),
});

export type Connection = z.infer<typeof connectionSchema>;
export type TradovateConnection = z.infer<typeof tradovateConnectionSchema>;
export type ProjectXConnection = z.infer<typeof projectxConnectionSchema>;
export type Broker = "tradovate" | "projectx";

/** The broker a connection is at. */
export function brokerOf(connection: Connection): Broker {
  return connection.broker ?? "tradovate";
}

/** Where each of a connection's secrets comes from, by its field name. */
export function secretSourcesOf(connection: Connection): Array<[string, SecretSource]> {
  if (connection.broker === "projectx") return [["apiKey", connection.apiKey]];
  return connection.secret
    ? [
        ["password", connection.password],
        ["secret", connection.secret],
      ]
    : [["password", connection.password]];
}
export type Account = z.infer<typeof accountSchema>;
export type Sizing = z.infer<typeof sizingSchema>;
export type Limits = z.infer<typeof limitsSchema>;
export type Mapping = z.infer<typeof mappingSchema>;
export type Follower = z.infer<typeof followerSchema>;
export type Whitelist = z.infer<typeof whitelistSchema>;
export type Group = z.infer<typeof groupSchema>;
export type ReconcileMode = NonNullable<Group["reconcile"]>;
export type Late = z.infer<typeof lateSchema>;
export type Windows = z.infer<typeof windowsSchema>;
export type CopyMode = z.infer<typeof copyModeSchema>;
export type Config = z.infer<typeof configShape>;
export type SecretSource = z.infer<typeof secretSource>;

export const configSchema = configShape.superRefine((config, ctx) => {
  for (const issue of [...connectionRules(config), ...groupRules(config)])
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

/**
 * Every reference to an account (a group's leader, a follower) spelled as the account's own
 * entry spells it, so that from here on an account name is its one canonical key and nothing
 * downstream folds case. Call only on a config that passed groupRules (every reference known).
 */
export function canonicalAccounts(config: Config): Config {
  const canonical = new Map(config.accounts.map((a) => [a.name.toUpperCase(), a.name]));
  const spell = (name: string) => canonical.get(name.toUpperCase()) ?? name;
  return {
    ...config,
    groups: config.groups.map((g) => ({
      ...g,
      leader: spell(g.leader),
      followers: g.followers.map((f) => ({ ...f, account: spell(f.account) })),
    })),
  };
}

export function emptyConfig(): Config {
  return { version: CONFIG_VERSION, connections: [], accounts: [], groups: [] };
}
