import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseContract } from "../symbols.js";
import { DEFAULT_SCENARIO } from "./default-scenario.js";

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
});

const userSchema = z.strictObject({
  name: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  password: z.string().min(1, "must not be empty"),
  accounts: z.array(accountSchema).min(1, "needs at least one account"),
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
});

function onTick(price: number, tick: number): boolean {
  const steps = price / tick;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}

export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    users: z.array(userSchema).min(1, "needs at least one user"),
    products: z.array(productSchema).min(1, "needs at least one product"),
  })
  .superRefine((s, ctx) => {
    const users = new Set<string>();
    const accounts = new Set<string>();
    s.users.forEach((u, ui) => {
      if (users.has(u.name))
        ctx.addIssue({ code: "custom", path: ["users", ui, "name"], message: `duplicate user "${u.name}"` });
      users.add(u.name);
      u.accounts.forEach((a, ai) => {
        if (accounts.has(a.name)) {
          ctx.addIssue({
            code: "custom",
            path: ["users", ui, "accounts", ai, "name"],
            message: `duplicate account "${a.name}"`,
          });
        }
        accounts.add(a.name);
      });
    });
    const products = new Set<string>();
    const contracts = new Set<string>();
    s.products.forEach((p, pi) => {
      if (products.has(p.name))
        ctx.addIssue({
          code: "custom",
          path: ["products", pi, "name"],
          message: `duplicate product "${p.name}"`,
        });
      products.add(p.name);
      if (!onTick(p.price, p.tickSize)) {
        ctx.addIssue({
          code: "custom",
          path: ["products", pi, "price"],
          message: `${p.price} is not a multiple of the tick size ${p.tickSize}`,
        });
      }
      p.contracts.forEach((c, ci) => {
        const parsed = parseContract(c);
        if (!parsed || parsed.root !== p.name || c !== c.toUpperCase()) {
          ctx.addIssue({
            code: "custom",
            path: ["products", pi, "contracts", ci],
            message: `"${c}" is not a ${p.name} contract name (root + month code + one-digit year, e.g. ${p.name}Z6)`,
          });
        } else if (contracts.has(c)) {
          ctx.addIssue({
            code: "custom",
            path: ["products", pi, "contracts", ci],
            message: `duplicate contract "${c}"`,
          });
        }
        contracts.add(c);
      });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioUser = Scenario["users"][number];
export type ScenarioAccount = ScenarioUser["accounts"][number];
export type ScenarioProduct = Scenario["products"][number];

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
