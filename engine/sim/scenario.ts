import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseContract } from "../symbols.js";
import { DEFAULT_SCENARIO } from "./defaultScenario.js";

/**
 * A simulator scenario: who can log in, which accounts they see, which products trade and at
 * what starting price. Passwords here are simulated logins, not secrets.
 */

const accountName = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9]{0,63}$/,
    "must be upper-case letters and digits, starting with a letter (e.g. DEMO1000)",
  );

const accountSchema = z.strictObject({
  name: accountName,
  balance: z.number().finite().nonnegative("must be zero or more"),
  /** Server-side daily loss limit in dollars (Tradovate userAccountAutoLiq.dailyLossAutoLiq). */
  dailyLossAutoLiq: z.number().finite().positive("must be a positive dollar amount").optional(),
  /** Server-side trailing max drawdown in dollars below the high of net liquidation (Tradovate's). */
  trailingMaxDrawdown: z.number().finite().positive("must be a positive dollar amount").optional(),
  /** RealTime (the default): the high follows open profit; EOD: it moves only at the session's close. */
  trailingMaxDrawdownMode: z.enum(["EOD", "RealTime"]).optional(),
  /** Net liquidation at which the trailing floor stops rising (e.g. the balance plus $100). */
  trailingMaxDrawdownLimit: z.number().finite().positive("must be a positive dollar amount").optional(),
  /** A daily-loss lock stays at the next trade date (Tradovate's userAccountAutoLiq.doNotUnlock). */
  doNotUnlock: z.boolean().optional(),
  /** Starts in liquidation-only mode: orders that would open or add are refused with LiquidationOnly. */
  liquidationOnly: z.boolean().optional(),
});

/** Only the ProjectX face reads these: on a Tradovate account they would be silently ignored. */
const projectxAccountSchema = accountSchema.extend({
  /** False = the account may not trade (every Order/place is refused). */
  canTrade: z.boolean().optional(),
  /**
   * The bracket mode set in the platform's risk settings. "position" (the default) refuses
   * brackets on Order/place; "autoOco" accepts them as signed tick offsets.
   */
  brackets: z.enum(["position", "autoOco"]).optional(),
});

/**
 * A simulated API key (not a secret). With one, a login must send the matching `appId`, `cid` and
 * `sec`, as Tradovate requires of an API key; "none" permissions is a new key with every domain
 * Denied: the login works and every call after it answers 401.
 */
const apiKeySchema = z.strictObject({
  appId: z.string().min(1, "must be the key's name"),
  cid: z.number().int().nonnegative("must be the key's numeric id"),
  sec: z.string().min(1, "must not be empty"),
  permissions: z.enum(["full", "none"]).default("full"),
});

const userName = z.string().min(1, "must not be empty").max(64, "must be at most 64 characters");

const tradovateUser = z.strictObject({
  name: userName,
  broker: z.literal("tradovate").optional(),
  password: z.string().min(1, "must not be empty"),
  apiKey: apiKeySchema.optional(),
  accounts: z.array(accountSchema).min(1, "needs at least one account"),
});

/** A ProjectX (TopstepX) user: logs in with its user name and API key (Auth/loginKey), no password. */
const projectxUser = z.strictObject({
  name: userName,
  broker: z.literal("projectx"),
  apiKey: z.string().min(1, "must be the user's simulated ProjectX API key"),
  accounts: z.array(projectxAccountSchema).min(1, "needs at least one account"),
});

// Chosen by "broker", so a mistake inside a user is reported at its field, not as "not a user".
const userSchema = z.discriminatedUnion("broker", [tradovateUser, projectxUser], {
  error:
    'a user is a Tradovate user {name, password, accounts} or a ProjectX user {name, broker: "projectx", apiKey, accounts}',
});

const count = z.number().int().positive("must be a whole number above 0");

/**
 * Tradovate's published limits (tradovate-protocol.md §6), per user; scale them down in a
 * scenario so a test reaches them in milliseconds instead of an hour.
 */
const limitsSchema = z.strictObject({
  requestsPerSecond: count.default(1000),
  requestsPerMinute: count.default(5000),
  requestsPerHour: count.default(5000),
  /** How long a user is stopped after a 429 (Tradovate: about an hour). */
  rateLimitStopMs: count.default(3_600_000),
  /** Open WebSockets per user; one more closes the oldest with shutdown ConnectionQuotaReached. */
  connectionsPerUser: count.default(50),
  /**
   * ProjectX's published limit per login: 200 requests in any 60 s (over it: HTTP 429 until the
   * window has room again). Scale it down so a test reaches it quickly.
   */
  projectxRequestsPerMinute: count.default(200),
});

const productSchema = z.strictObject({
  name: z.string().regex(/^[A-Z0-9]{1,4}$/, "must be a root symbol such as ES or MNQ"),
  description: z.string().default(""),
  tickSize: z.number().finite().positive("must be positive"),
  valuePerPoint: z.number().finite().positive("must be positive"),
  /** Starting price, on the tick grid. */
  price: z.number().finite().positive("must be positive"),
  /** Tradable contracts, front month first, e.g. ["ESZ6", "ESH7"]. */
  contracts: z.array(z.string()).min(1, "needs at least one contract such as ESZ6"),
  /**
   * Dollars charged per contract per fill (commission and exchange fees), taken from the cash
   * balance. Absent: $0.75 for micros, $2.25 for the rest.
   */
  fee: z.number().finite().nonnegative("must be zero or more dollars").optional(),
  /**
   * Contracts that trade at each price level. Absent: unlimited, so every order fills in one piece;
   * 2 means a market order for 5 fills 2 + 2 + 1 at three successive ticks.
   */
  depth: z.number().int("must be a whole number of contracts").positive("must be at least 1").optional(),
});

function onTick(price: number, tick: number): boolean {
  const steps = price / tick;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}

/** Each product checks itself, so a bad product is reported even when other parts are broken too. */
const checkedProduct = productSchema.superRefine((p, ctx) => {
  if (!onTick(p.price, p.tickSize)) {
    ctx.addIssue({
      code: "custom",
      path: ["price"],
      message: `${p.price} is not a multiple of the tick size ${p.tickSize}`,
    });
  }
  p.contracts.forEach((c, ci) => {
    const parsed = parseContract(c);
    if (!parsed || parsed.root !== p.name || c !== c.toUpperCase()) {
      ctx.addIssue({
        code: "custom",
        path: ["contracts", ci],
        message: `"${c}" is not a ${p.name} contract name (root + month code + one-digit year, e.g. ${p.name}Z6)`,
      });
    }
  });
});

function duplicates(names: string[]): Array<[number, string]> {
  const seen = new Set<string>();
  const out: Array<[number, string]> = [];
  names.forEach((n, i) => {
    if (seen.has(n)) out.push([i, n]);
    seen.add(n);
  });
  return out;
}

const users = z
  .array(userSchema)
  .min(1, "needs at least one user")
  .superRefine((list, ctx) => {
    for (const [i, n] of duplicates(list.map((u) => u.name))) {
      ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate user "${n}"` });
    }
    const accounts = list.flatMap((u, ui) =>
      u.accounts.map((a, ai) => ({ name: a.name, path: [ui, "accounts", ai, "name"] })),
    );
    for (const [i, n] of duplicates(accounts.map((a) => a.name))) {
      ctx.addIssue({ code: "custom", path: accounts[i]!.path, message: `duplicate account "${n}"` });
    }
    list.forEach((u, ui) => {
      u.accounts.forEach((a, ai) => {
        if (a.trailingMaxDrawdown !== undefined) return;
        for (const field of ["trailingMaxDrawdownMode", "trailingMaxDrawdownLimit"] as const)
          if (a[field] !== undefined)
            ctx.addIssue({
              code: "custom",
              path: [ui, "accounts", ai, field],
              message: "needs trailingMaxDrawdown (the dollars below the high)",
            });
      });
    });
  });

const products = z
  .array(checkedProduct)
  .min(1, "needs at least one product")
  .superRefine((list, ctx) => {
    for (const [i, n] of duplicates(list.map((p) => p.name))) {
      ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate product "${n}"` });
    }
    const contracts = list.flatMap((p, pi) =>
      p.contracts.map((c, ci) => ({ name: c, path: [pi, "contracts", ci] })),
    );
    for (const [i, n] of duplicates(contracts.map((c) => c.name))) {
      ctx.addIssue({ code: "custom", path: contracts[i]!.path, message: `duplicate contract "${n}"` });
    }
  });

export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  users,
  products,
  limits: limitsSchema.default(limitsSchema.parse({})),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioUser = Scenario["users"][number];
export type ScenarioAccount = ScenarioUser["accounts"][number];
export type ScenarioProduct = Scenario["products"][number];
export type ScenarioApiKey = z.infer<typeof apiKeySchema>;
export type ScenarioLimits = Scenario["limits"];

/** Thrown for an unreadable or invalid scenario; the message lists every problem. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `  - ${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`)
    .join("\n");
}

/** Validate an already-parsed value (a JSON object) as a scenario. `source` names it in errors. */
export function parseScenario(value: unknown, source = "scenario"): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success)
    throw new ScenarioError(`${source} is not a valid scenario:\n${describeIssues(result.error)}`);
  return result.data;
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ScenarioError(`cannot read scenario file ${path}${code ? ` (${code})` : ""}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, `scenario file ${path}`);
}

export const defaultScenario: Scenario = parseScenario(DEFAULT_SCENARIO, "built-in default scenario");
