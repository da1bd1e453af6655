import type { Config, Follower } from "../data/schema.js";
import { CONFIG_VERSION } from "../data/schema.js";
import { defaultScenario, parseScenario, type Scenario } from "../engine/sim/index.js";

/**
 * A simulator scenario and a matching config for one leader and many followers. The leader and
 * the followers sit on different logins (as they do for a trader copying into prop accounts), so
 * a leader fill and the follower orders travel on different sockets.
 */
export interface FleetOptions {
  followers: number;
  /** Extra follower logins (each with its own socket) besides the main one; default none. */
  extraLogins?: Array<{ user: string; accounts: string[] }>;
  /** Sizing per follower index; default multiplier 1. */
  sizing?: (index: number) => Follower["sizing"];
  /** Accounts on the follower login that are in no group (for direct round trips). */
  spare?: string[];
  balance?: number;
}

export const LEADER = "LEAD0001";
export const LEADER_USER = "lead";
export const FOLLOWER_USER = "copy";
/** The simulator passwords are simulated logins, not secrets; they travel through env like real ones. */
export const FLEET_ENV: NodeJS.ProcessEnv = {
  MIMIK_FLEET_LEAD: "lead-pw",
  MIMIK_FLEET_COPY: "copy-pw",
};

/**
 * A benchmark sends far more than Tradovate's 5,000 requests an hour: its simulator and its
 * sessions both allow a million a minute, so the budget measures nothing here.
 */
export const FLEET_RATE_LIMIT = { perSecond: 1_000_000, perMinute: 1_000_000, perHour: 10_000_000 };

export function followerName(index: number): string {
  return `FOLW${String(index + 1).padStart(4, "0")}`;
}

export function fleetScenario(opts: FleetOptions): Scenario {
  const balance = opts.balance ?? 10_000_000;
  const account = (name: string) => ({ name, balance });
  const followers = Array.from({ length: opts.followers }, (_, i) => account(followerName(i)));
  return parseScenario(
    {
      description: "mimik fleet: one leader login, follower logins",
      users: [
        { name: LEADER_USER, password: FLEET_ENV.MIMIK_FLEET_LEAD, accounts: [account(LEADER)] },
        {
          name: FOLLOWER_USER,
          password: FLEET_ENV.MIMIK_FLEET_COPY,
          accounts: [...followers, ...(opts.spare ?? []).map(account)],
        },
        ...(opts.extraLogins ?? []).map((l) => ({
          name: l.user,
          password: `${l.user}-pw`,
          accounts: l.accounts.map(account),
        })),
      ],
      products: defaultScenario.products,
      limits: {
        requestsPerSecond: FLEET_RATE_LIMIT.perSecond,
        requestsPerMinute: FLEET_RATE_LIMIT.perMinute,
        requestsPerHour: FLEET_RATE_LIMIT.perHour,
      },
    },
    "fleet scenario",
  );
}

/** Env for fleetConfig's connections (extra logins use MIMIK_FLEET_<USER>). */
export function fleetEnv(opts: FleetOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...FLEET_ENV };
  for (const l of opts.extraLogins ?? []) env[`MIMIK_FLEET_${l.user.toUpperCase()}`] = `${l.user}-pw`;
  return env;
}

export function fleetConfig(opts: FleetOptions, simUrl: string): Config {
  const connection = (name: string, user: string) => ({
    name,
    env: "sim" as const,
    url: simUrl,
    username: user,
    password: { env: `MIMIK_FLEET_${user.toUpperCase()}` },
    appId: "mimik",
    appVersion: "bench",
    requestBudget: FLEET_RATE_LIMIT,
  });
  const extra = opts.extraLogins ?? [];
  const followerAccounts = [
    ...Array.from({ length: opts.followers }, (_, i) => ({ name: followerName(i), connection: "copy" })),
    ...extra.flatMap((l) => l.accounts.map((name) => ({ name, connection: l.user }))),
  ];
  return {
    version: CONFIG_VERSION,
    connections: [
      connection("lead", LEADER_USER),
      connection("copy", FOLLOWER_USER),
      ...extra.map((l) => connection(l.user, l.user)),
    ],
    accounts: [{ name: LEADER, connection: "lead" }, ...followerAccounts],
    groups: [
      {
        name: "FLEET",
        active: true,
        leader: LEADER,
        whitelist: { enabled: false, symbols: [] },
        followers: followerAccounts.map((a, i) => ({
          account: a.name,
          enabled: true,
          sizing: opts.sizing?.(i) ?? { mode: "multiplier", value: 1 },
          mapping: "none",
          limits: {},
        })),
      },
    ],
  };
}
