import { CONFIG_VERSION, type Config } from "../../data/schema.js";

/** The demo's environment variable for the simulator password; set by the demo itself. */
export const DEMO_PASSWORD_ENV = "MIMIK_DEMO_PASSWORD";

/**
 * One leader and three followers that each show something different: a half-size follower,
 * a fixed-size follower mapped to micros, and a follower with a tight daily loss limit that
 * the demo trader will sooner or later push into a lock. The group protects its followers: when
 * the demo trader enters with a bracket, each follower gets an OCO at the same prices.
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
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim", label: "leader" },
      { name: "DEMO2001", connection: "sim", label: "half" },
      { name: "DEMO2002", connection: "sim", label: "micro" },
      { name: "DEMO2003", connection: "sim", label: "tight" },
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
        ],
      },
    ],
  };
}
