import { CONFIG_VERSION, type Config } from "../../data/schema.js";

/** The demo's environment variable for the simulator password; set by the demo itself. */
export const DEMO_PASSWORD_ENV = "MIMIK_DEMO_PASSWORD";
/** The same for the ProjectX login's API key. */
export const DEMO_PROJECTX_KEY_ENV = "MIMIK_DEMO_PROJECTX_KEY";

/** The simulated logins' secrets (not secrets: the default scenario's), by connection. */
export const DEMO_SECRETS: Readonly<Record<string, Record<string, string>>> = {
  sim: { password: "demo" },
  topstep: { apiKey: "sim-projectx-key" },
};

/**
 * One Tradovate leader and four followers that each show something different: a half-size
 * follower, a fixed-size follower mapped to micros, a follower with a tight daily loss limit
 * that the demo trader will sooner or later push into a lock, and a follower at ProjectX
 * (TopstepX) copying across brokers with its own contract names. The group protects its
 * followers: when the demo trader enters with a bracket, each follower gets an OCO at the same
 * prices.
 */
export function demoConfig(): Config {
  return {
    version: CONFIG_VERSION,
    connections: [
      {
        name: "sim",
        env: "sim",
        username: "demo",
        password: { env: DEMO_PASSWORD_ENV },
        appId: "mimik",
        appVersion: "0.1.0",
      },
      {
        name: "topstep",
        broker: "projectx",
        env: "sim",
        username: "topstep",
        apiKey: { env: DEMO_PROJECTX_KEY_ENV },
      },
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim", label: "leader" },
      { name: "DEMO2001", connection: "sim", label: "half" },
      { name: "DEMO2002", connection: "sim", label: "micro" },
      { name: "DEMO2003", connection: "sim", label: "tight" },
      { name: "TSX5001", connection: "topstep", label: "topstepx" },
    ],
    groups: [
      {
        name: "Index Scalps",
        active: true,
        leader: "DEMO1000",
        whitelist: { enabled: true, symbols: ["ES", "NQ", "MES", "MNQ"] },
        // The demo trader enters with a bracket now and then: each follower gets its own OCO.
        protect: true,
        followers: [
          {
            account: "DEMO2001",
            enabled: true,
            sizing: { mode: "multiplier", value: 0.5 },
            mapping: "none",
            limits: { dailyLoss: 2500, trailingDrawdown: 4000 },
          },
          {
            account: "DEMO2002",
            enabled: true,
            sizing: { mode: "fixed", contracts: 2 },
            maxContracts: 6,
            mapping: "toMicro",
            limits: { dailyLoss: 1000 },
          },
          {
            account: "DEMO2003",
            enabled: true,
            sizing: { mode: "multiplier", value: 1 },
            mapping: "none",
            limits: { dailyLoss: 600, trailingDrawdown: 900 },
          },
          {
            account: "TSX5001",
            enabled: true,
            sizing: { mode: "multiplier", value: 1 },
            maxContracts: 4,
            mapping: "toMicro",
            limits: { dailyLoss: 1500, trailingDrawdown: 2000 },
          },
        ],
      },
    ],
  };
}
