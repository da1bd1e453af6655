/**
 * mimik's Tradovate-compatible simulator: REST + WebSocket on 127.0.0.1, faithful to
 * tradovate-protocol.md, plus a control API for tests and the demo.
 */
import type { SimOptions, Simulator } from "./control.js";
import { startServer } from "./server.js";

export type {
  CommandResult,
  ManualExit,
  ManualOrder,
  ManualStrategy,
  ManualTradeResult,
  OcoResult,
  OrderChange,
  OrderResult,
  OsoResult,
  ProjectXHook,
  SimControl,
  SimOptions,
  SimRecords,
  Simulator,
  StrategyResult,
} from "./control.js";
export { projectxSimEndpoints, simEndpoints } from "./endpoints.js";
export type { FillRecord, OrderRecord } from "./records.js";
export { defaultScenario, loadScenario, parseScenario, type Scenario, ScenarioError } from "./scenario.js";
export type { ClockReading } from "./session.js";
export type { SimStamps } from "./stamps.js";

export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  return startServer(opts);
}
