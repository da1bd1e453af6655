/**
 * The engine's public surface: everything outside engine/ (the process, the screen, the CLI)
 * imports from here and nowhere deeper. What is not exported here is the engine's own business.
 */

export { AccountDirectory, type AccountRole } from "./accounts/directory.js";
export type { Credentials } from "./broker/index.js";
export {
  createBrokerSession,
  createProjectXSession,
  PROJECTX_ROOTS,
  type ProjectXSessionOptions,
  RENEWING_FOR_ACCOUNTS,
  TOPSTEPX_HOSTS,
  TRANSPORT_FAILURES,
  tradovateEndpoints,
} from "./broker/index.js";
export { describeTarget, type EngineCommand, type FlattenTarget } from "./commands.js";
export { isAccountCapReason } from "./copier/accountCap.js";
export { CLOSE_ONLY, COPY_REASONS } from "./copier/decide.js";
export { bustKey } from "./copier/fillDedupe.js";
export { HedgeIndex, hedgeMembers } from "./copier/hedgeIndex.js";
export { planResync, type ResyncPlan, type SyncLine } from "./copier/resyncPlan.js";
export {
  type AccountHistory,
  type BustedFill,
  type CarriedPosition,
  type HistoryFill,
  type HistoryPair,
  type HistoryRequest,
  readAccountHistory,
} from "./history/accountHistory.js";
export { type ProjectXHistoryRequest, readProjectXHistory } from "./history/projectxHistory.js";
export { OUTCOME_STATUSES, type Outcome, type OutcomeStatus, REFUSALS, succeeded } from "./outcome.js";
export { priceWords } from "./priceWords.js";
export { reasonNow } from "./reasonNow.js";
export { tradesLeft } from "./risk/limits.js";
export { chicagoFivePm, nextRollAt, tradingDayOf } from "./risk/tradingDay.js";
export { Engine, type EngineDeps } from "./runtime/engine.js";
export { changedSettings, loginSettings } from "./runtime/loginSettings.js";
export { MemoryRiskStore, SetLedger } from "./runtime/memoryStores.js";
export {
  defaultScenario,
  loadScenario,
  type ManualTradeResult,
  parseScenario,
  projectxSimEndpoints,
  type Scenario,
  ScenarioError,
  type SimControl,
  type SimOptions,
  type SimRecords,
  type Simulator,
  simEndpoints,
  startSimulator,
} from "./sim/index.js";
export { type ContractMapping, mapContract, parseContract, rootOf, type SymbolMap } from "./symbols.js";
export * from "./types.js";
export { type Blackout, isWindowReason, WINDOW_REASONS } from "./windows/schedule.js";
