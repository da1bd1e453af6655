/** The built-in scenario; data/scenarios/default.json is the same data (a test keeps them equal). */
export const DEFAULT_SCENARIO = {
  description:
    'mimik\'s default simulator scenario. Logins and the API key are simulated, not secrets. The user "keyed" logs in like a real Tradovate user with an API key (appId, cid, sec); the user "topstep" is a ProjectX (TopstepX) user and logs in to the ProjectX face (/api, /hubs) with its API key. Request limits are Tradovate\'s published ones unless a scenario sets "limits". Contract names use Tradovate\'s single-digit year (ESZ6 = December 2026); the first contract of each product is the front month.',
  users: [
    {
      name: "demo",
      password: "demo",
      accounts: [
        {
          name: "DEMO1000",
          balance: 50000,
        },
        {
          name: "DEMO2001",
          balance: 50000,
        },
        {
          name: "DEMO2002",
          balance: 50000,
        },
        {
          name: "DEMO2003",
          balance: 50000,
        },
      ],
    },
    {
      name: "prop",
      password: "prop",
      accounts: [
        {
          name: "APEX3001",
          balance: 50000,
        },
        {
          name: "APEX3002",
          balance: 50000,
        },
      ],
    },
    {
      name: "keyed",
      password: "keyed",
      apiKey: {
        appId: "mimik",
        cid: 4242,
        sec: "sim-api-secret",
      },
      accounts: [
        {
          name: "KEY4001",
          balance: 50000,
        },
      ],
    },
    {
      name: "topstep",
      broker: "projectx",
      apiKey: "sim-projectx-key",
      accounts: [
        {
          name: "TSX5001",
          balance: 50000,
        },
        {
          name: "TSX5002",
          balance: 50000,
        },
      ],
    },
  ],
  products: [
    {
      name: "ES",
      description: "E-mini S&P 500",
      tickSize: 0.25,
      valuePerPoint: 50,
      price: 6800,
      contracts: ["ESZ6", "ESH7"],
      fee: 2.25,
    },
    {
      name: "MES",
      description: "Micro E-mini S&P 500",
      tickSize: 0.25,
      valuePerPoint: 5,
      price: 6800,
      contracts: ["MESZ6", "MESH7"],
      fee: 0.75,
    },
    {
      name: "NQ",
      description: "E-mini Nasdaq-100",
      tickSize: 0.25,
      valuePerPoint: 20,
      price: 25000,
      contracts: ["NQZ6", "NQH7"],
      fee: 2.25,
    },
    {
      name: "MNQ",
      description: "Micro E-mini Nasdaq-100",
      tickSize: 0.25,
      valuePerPoint: 2,
      price: 25000,
      contracts: ["MNQZ6", "MNQH7"],
      fee: 0.75,
    },
    {
      name: "YM",
      description: "E-mini Dow ($5)",
      tickSize: 1,
      valuePerPoint: 5,
      price: 47000,
      contracts: ["YMZ6", "YMH7"],
      fee: 2.25,
    },
    {
      name: "MYM",
      description: "Micro E-mini Dow",
      tickSize: 1,
      valuePerPoint: 0.5,
      price: 47000,
      contracts: ["MYMZ6", "MYMH7"],
      fee: 0.75,
    },
    {
      name: "RTY",
      description: "E-mini Russell 2000",
      tickSize: 0.1,
      valuePerPoint: 50,
      price: 2450,
      contracts: ["RTYZ6", "RTYH7"],
      fee: 2.25,
    },
    {
      name: "M2K",
      description: "Micro E-mini Russell 2000",
      tickSize: 0.1,
      valuePerPoint: 5,
      price: 2450,
      contracts: ["M2KZ6", "M2KH7"],
      fee: 0.75,
    },
    {
      name: "CL",
      description: "Crude Oil",
      tickSize: 0.01,
      valuePerPoint: 1000,
      price: 60,
      contracts: ["CLF7", "CLG7"],
      fee: 2.5,
    },
    {
      name: "MCL",
      description: "Micro WTI Crude Oil",
      tickSize: 0.01,
      valuePerPoint: 100,
      price: 60,
      contracts: ["MCLF7", "MCLG7"],
      fee: 0.75,
    },
    {
      name: "GC",
      description: "Gold",
      tickSize: 0.1,
      valuePerPoint: 100,
      price: 4100,
      contracts: ["GCG7", "GCJ7"],
      fee: 2.5,
    },
    {
      name: "MGC",
      description: "Micro Gold",
      tickSize: 0.1,
      valuePerPoint: 10,
      price: 4100,
      contracts: ["MGCG7", "MGCJ7"],
      fee: 0.75,
    },
  ],
};
