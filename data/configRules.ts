import { TRADOVATE_LIMITS } from "../engine/broker/budgetRules.js";
import { PROJECTX_ROOTS, projectxRoots } from "../engine/broker/projectx/symbols.js";
import { sharedBrokerRoot } from "../engine/symbols.js";
import type { Config, ProjectXConnection, TradovateConnection } from "./schema.js";

/**
 * The config's rules across fields and entries, which no field's schema can see alone: the
 * schema (`configSchema`) runs them on every parse, so the file, the repository and the forms
 * refuse the same things in the same words.
 */
export type Issue = { path: (string | number)[]; message: string };

/**
 * Cross-references the schema alone cannot see: names unique, accounts known, one leader per
 * group, every account in at most one group in one role (so no leader is a follower anywhere
 * and no copy cycle can exist).
 */
export function groupRules(config: Config): Issue[] {
  const issues: Issue[] = [];
  const dup = <T>(
    items: T[],
    key: (t: T) => string,
    at: (i: number) => (string | number)[],
    what: string,
  ) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item).toUpperCase();
      const first = seen.get(k);
      if (first !== undefined)
        issues.push({ path: at(i), message: `duplicate ${what} "${key(item)}" (also at index ${first})` });
      else seen.set(k, i);
    });
  };
  dup(
    config.connections,
    (c) => c.name,
    (i) => ["connections", i, "name"],
    "connection name",
  );
  dup(
    config.accounts,
    (a) => a.name,
    (i) => ["accounts", i, "name"],
    "account name",
  );
  dup(
    config.groups,
    (g) => g.name,
    (i) => ["groups", i, "name"],
    "group name",
  );
  const labels = config.accounts.filter((a) => a.label);
  dup(
    labels,
    (a) => a.label ?? "",
    (i) => ["accounts", config.accounts.indexOf(labels[i]!), "label"],
    "label",
  );

  // Names and labels are one namespace: `--follower X` must never mean two accounts.
  const names = new Map(config.accounts.map((a) => [a.name.toUpperCase(), a.name]));
  config.accounts.forEach((a, i) => {
    const other = a.label ? names.get(a.label.toUpperCase()) : undefined;
    if (other !== undefined && other.toUpperCase() !== a.name.toUpperCase())
      issues.push({
        path: ["accounts", i, "label"],
        message: `label "${a.label}" is the name of account ${other}; a label must not be another account's name`,
      });
  });

  const connections = new Set(config.connections.map((c) => c.name));
  config.accounts.forEach((a, i) => {
    if (!connections.has(a.connection))
      issues.push({
        path: ["accounts", i, "connection"],
        message: `unknown connection "${a.connection}"; add it under "connections" or use one of: ${[...connections].join(", ") || "(none defined)"}`,
      });
  });

  const known = new Set(config.accounts.map((a) => a.name.toUpperCase()));
  const roles = new Map<string, string>();
  const claim = (account: string, role: string, path: (string | number)[]) => {
    const k = account.toUpperCase();
    if (!known.has(k)) {
      issues.push({ path, message: `unknown account "${account}"; add it under "accounts" first` });
      return;
    }
    const prior = roles.get(k);
    if (prior) {
      issues.push({
        path,
        message: `account "${account}" is already ${prior}; an account may be in only one group, in one role`,
      });
      return;
    }
    roles.set(k, role);
  };
  config.groups.forEach((g, gi) => {
    if (!g.leader)
      issues.push({ path: ["groups", gi, "leader"], message: "a group needs exactly one leader" });
    else claim(g.leader, `the leader of group "${g.name}"`, ["groups", gi, "leader"]);
    g.followers.forEach((f, fi) => {
      claim(f.account, `a follower in group "${g.name}"`, ["groups", gi, "followers", fi, "account"]);
    });
  });
  return issues;
}

/**
 * A demo or live connection logs in with an API key (tradovate-protocol.md §2.1, §11): Tradovate
 * requires `cid` and `sec`, and `appId` must be the name given to the key.
 */
export function connectionRules(config: Config): Issue[] {
  const issues: Issue[] = [];
  config.connections.forEach((c, i) => {
    if (c.broker === "projectx") {
      issues.push(...projectxRules(c, i));
      return;
    }
    if (c.env === "sim") return;
    issues.push(...budgetRules(c, i));
    const key = `a ${c.env} connection logs in with a Tradovate API key (Application Settings → API Access; "appId" must be the name you gave the key)`;
    if (c.cid === undefined)
      issues.push({ path: ["connections", i, "cid"], message: `${key}: set "cid" to the key's numeric id` });
    if (c.secret === undefined)
      issues.push({
        path: ["connections", i, "secret"],
        message: `${key}: set "secret" to where the key's secret comes from, e.g. {"env": "MIMIK_TRADOVATE_SECRET"}`,
      });
  });
  return issues;
}

const BUDGET_WINDOW = { perSecond: "a second", perMinute: "a minute", perHour: "an hour" } as const;

/**
 * The request budget is there to send less than Tradovate's published limits (tradovate-protocol.md
 * §6); above them on demo or live, mimik would send what Tradovate refuses with a 429 that pauses
 * the login, exits and flattens included (an hour on live).
 */
function budgetRules(c: TradovateConnection, i: number): Issue[] {
  const issues: Issue[] = [];
  for (const field of ["perSecond", "perMinute", "perHour"] as const) {
    const value = c.requestBudget?.[field];
    const most = TRADOVATE_LIMITS[field];
    if (value !== undefined && value > most)
      issues.push({
        path: ["connections", i, "requestBudget", field],
        message: `${value} is above Tradovate's published ${most.toLocaleString("en-US")} requests ${BUDGET_WINDOW[field]}: Tradovate would refuse what mimik sends past it (429) and pause the login, exits included; set ${most} or less, or leave it out for Tradovate's own limit`,
      });
  }
  return issues;
}

/** A ProjectX connection: a url only for the simulator, hosts only for a live one. */
function projectxRules(c: ProjectXConnection, i: number): Issue[] {
  const issues: Issue[] = [];
  if (c.env === "live" && c.url !== undefined)
    issues.push({
      path: ["connections", i, "url"],
      message:
        'url is for env "sim" (mimik\'s simulator); a live ProjectX connection takes "hosts", or TopstepX\'s by default',
    });
  if (c.env === "sim" && c.hosts !== undefined)
    issues.push({
      path: ["connections", i, "hosts"],
      message: 'hosts are for env "live"; a "sim" connection takes "url" (or the embedded simulator)',
    });
  // The session refuses such a map when it is made: said here, mimik never starts to fail.
  const shared = c.symbols && sharedBrokerRoot(projectxRoots(c.symbols));
  if (shared)
    issues.push({
      path: ["connections", i, "symbols"],
      message: `${shared.roots.join(" and ")} both map to the ProjectX root ${shared.broker}; a ProjectX root names one product (built in: ${builtInRoots()})`,
    });
  return issues;
}

function builtInRoots(): string {
  return Object.entries(PROJECTX_ROOTS)
    .map(([canonical, broker]) => `${canonical} → ${broker}`)
    .join(", ");
}
