import type { ScreenVM } from "../../src/screen/viewModel.js";

export function screenFixture(overrides: Partial<ScreenVM> = {}): ScreenVM {
  return {
    header: {
      mode: "DEMO",
      connections: [
        { name: "leader-login", state: "connected" },
        { name: "followers-login", state: "connected" },
      ],
      latency: { p50: 0.42, p99: 1.3 },
      rateBudget: { left: 4990, windowMs: 3_600_000 },
      clockCT: "14:03:22",
    },
    groups: [
      { name: "NQ Scalps", leader: "LEAD1", active: true, followerCount: 3 },
      { name: "ES Swing", leader: "LEAD2", active: false, followerCount: 1 },
    ],
    followers: [
      {
        account: "FOLL1",
        label: "Mike",
        broker: "Tradovate",
        connection: "connected",
        sizing: "×0.5",
        enabled: true,
        state: "ACTIVE",
        position: "NQZ6 +2",
        dayPnl: 1250,
        roomDaily: 1750,
        roomTrailing: 2400,
      },
      {
        account: "FOLL2",
        broker: "ProjectX",
        connection: "reconnecting",
        sizing: "2 fixed",
        enabled: false,
        state: "LOCKED",
        stateReason: "daily loss 500 reached",
        position: "flat",
        dayPnl: -512.5,
        roomDaily: 0,
        roomTrailing: 900,
      },
      {
        account: "FOLL3",
        broker: "Tradovate",
        connection: "connected",
        sizing: "×1.25",
        enabled: true,
        state: "LIQ-ONLY",
        stateReason: "trailing drawdown",
        position: "MNQZ6 +3",
        dayPnl: 0,
        sync: { contract: "MNQZ6", has: 0, expects: 2 },
      },
    ],
    fills: [
      {
        id: "1002",
        time: "14:03:21",
        leader: "LEAD1",
        contract: "NQZ6",
        side: "Buy",
        qty: 2,
        price: 21000.25,
        results: [
          { follower: "FOLL1", outcome: "filled", reason: "open +1", latencyMs: 0.8 },
          { follower: "FOLL2", outcome: "skipped", reason: "locked" },
          { follower: "FOLL3", outcome: "rejected", reason: "insufficient margin", latencyMs: 12.4 },
        ],
      },
      {
        id: "1001",
        time: "14:02:10",
        leader: "LEAD1",
        contract: "CLZ6",
        side: "Sell",
        qty: 1,
        price: 71.5,
        results: [{ follower: "FOLL1", outcome: "skipped", reason: "not whitelisted" }],
      },
    ],
    alerts: [
      { id: "a2", time: "14:01:00", level: "error", text: "FOLL2 LOCKED: daily loss 500 reached" },
      { id: "a1", time: "13:59:30", level: "warn", text: "followers-login reconnecting" },
    ],
    selection: { focus: "followers", group: 0, follower: 0, fill: 0, alert: 0 },
    overlay: { kind: "none" },
    ...overrides,
  };
}
