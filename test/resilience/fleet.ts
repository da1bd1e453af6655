import type { Config, Follower } from "../../data/schema.js";
import { CONFIG_VERSION } from "../../data/schema.js";
import { defaultScenario, parseScenario, type Scenario } from "../../engine/sim/index.js";

/**
 * Who trades where in a resilience run. The leader has its own login; followers sit on three
 * more, so a fault aimed at one login (drop, delay) leaves the others alone:
 *   copy  — the steady followers (several sizings, one capped) and REJECT01 (gets rejects)
 *   slow  — SLOW0001, whose socket is 500 ms late
 *   flaky — DROP0001/DROP0002, whose sockets are dropped mid-burst
 *   px    — ProjectX followers: PXDROP01, whose hub is dropped with the flaky sockets, and
 *           PXREJ001, which gets rejects with REJECT01; the leader is at Tradovate
 *   pxcopy — PXSTDY01, a steady ProjectX follower (only the faults that hit everyone reach it)
 */
export const LEADER = "LEAD0001";

interface FollowerSpec {
  account: string;
  login: "copy" | "slow" | "flaky" | "px" | "pxcopy";
  sizing: Follower["sizing"];
  maxContracts?: number;
}

export const FOLLOWERS: readonly FollowerSpec[] = [
  { account: "STEADY01", login: "copy", sizing: { mode: "multiplier", value: 1 } },
  { account: "STEADY02", login: "copy", sizing: { mode: "multiplier", value: 0.5 } },
  { account: "STEADY03", login: "copy", sizing: { mode: "fixed", contracts: 2 } },
  { account: "STEADY04", login: "copy", sizing: { mode: "multiplier", value: 2 }, maxContracts: 3 },
  { account: "REJECT01", login: "copy", sizing: { mode: "multiplier", value: 1 } },
  { account: "SLOW0001", login: "slow", sizing: { mode: "multiplier", value: 1.5 } },
  { account: "DROP0001", login: "flaky", sizing: { mode: "multiplier", value: 1 } },
  { account: "DROP0002", login: "flaky", sizing: { mode: "fixed", contracts: 1 } },
  { account: "PXDROP01", login: "px", sizing: { mode: "multiplier", value: 1 } },
  { account: "PXREJ001", login: "px", sizing: { mode: "multiplier", value: 0.5 } },
  { account: "PXSTDY01", login: "pxcopy", sizing: { mode: "multiplier", value: 1.5 } },
];

/** The followers that get rejects while the reject fault is on (one at each broker). */
export const REJECTING = ["REJECT01", "PXREJ001"] as const;

export const LOGINS = ["lead", "copy", "slow", "flaky", "px", "pxcopy"] as const;

/** The logins at ProjectX (the others are at Tradovate). */
export const isProjectX = (login: string): boolean => login.startsWith("px");
export type Login = (typeof LOGINS)[number];

/** Simulated logins (not secrets): the password is the login name with "-pw". */
export const password = (login: string) => `${login}-pw`;

/** The ProjectX login's simulated API key (not a secret). */
export const PX_KEY = "px-resilience-key";

/** Every account's starting cash. */
export const BALANCE = 1_000_000;

export function resilienceScenario(): Scenario {
  const account = (name: string) => ({ name, balance: BALANCE });
  return parseScenario(
    {
      users: LOGINS.map((login) => {
        const accounts =
          login === "lead"
            ? [account(LEADER)]
            : FOLLOWERS.filter((f) => f.login === login).map((f) => account(f.account));
        return isProjectX(login)
          ? { name: login, broker: "projectx", apiKey: PX_KEY, accounts }
          : { name: login, password: password(login), accounts };
      }),
      products: defaultScenario.products,
    },
    "resilience scenario",
  );
}

export function resilienceConfig(simUrl: string): Config {
  return {
    version: CONFIG_VERSION,
    connections: LOGINS.map((login) =>
      isProjectX(login)
        ? {
            name: login,
            broker: "projectx" as const,
            env: "sim" as const,
            url: simUrl,
            username: login,
            apiKey: { env: `MIMIK_RES_${login.toUpperCase()}_KEY` },
          }
        : {
            name: login,
            env: "sim" as const,
            url: simUrl,
            username: login,
            password: { env: `MIMIK_RES_${login.toUpperCase()}` },
            appId: "mimik",
            appVersion: "resilience",
          },
    ),
    accounts: [
      { name: LEADER, connection: "lead" },
      ...FOLLOWERS.map((f) => ({ name: f.account, connection: f.login })),
    ],
    groups: [
      {
        name: "G",
        active: true,
        leader: LEADER,
        whitelist: { enabled: false, symbols: [] },
        followers: FOLLOWERS.map((f) => ({
          account: f.account,
          enabled: true,
          sizing: f.sizing,
          mapping: "none" as const,
          limits: {},
          ...(f.maxContracts === undefined ? {} : { maxContracts: f.maxContracts }),
        })),
      },
    ],
  };
}
