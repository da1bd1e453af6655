import type { Problem } from "../../../data/problems.js";
import type { Config } from "../../../data/schema.js";
import type { EngineCommand, Outcome } from "../../../engine/index.js";
import type { ResolvedTargets } from "../../notify/secrets.js";
import type { AddedSecrets } from "../connectionSecrets.js";
import type { ConnectionSecrets } from "../sessions.js";
import type { EventBatchMessage } from "./eventBatch.js";

/**
 * What crosses between the main thread (screen, stdout, control socket) and the engine's thread.
 * Every message is plain data (structured clone): commands in, outcomes and event batches out
 * (these as JSON text when they can be: eventBatch.ts).
 */

/** Everything the engine's thread needs to build the engine; secrets are already read. */
export interface EngineInit {
  config: Config;
  /** Shown in the journal's start line. */
  mode: string;
  statePath: string;
  journalPath: string;
  /** Seed the dedupe ledger from the journal (false for a journal that starts empty, like the demo's). */
  seedLedger: boolean;
  secrets: ConnectionSecrets;
  /** Notification targets' secrets (or why they could not be read); absent = no notifications. */
  notifySecrets?: ResolvedTargets | undefined;
  embeddedSimUrl?: string | undefined;
  /** The config file: calendar files (trading window blackouts) are found from its folder. */
  configPath?: string | undefined;
  /**
   * false: the engine acts on commands only and copies nothing (the direct flatten's short-lived
   * engine). Default true.
   */
  copying?: boolean | undefined;
  /** Only these accounts are synced (and so can be traded); default every configured account. */
  onlyAccounts?: string[] | undefined;
  /** Events cross with each one's JSON line, which headless's JSON output prints as it is. */
  eventLines?: boolean | undefined;
}

export type ToEngine =
  | { kind: "command"; id: number; command: EngineCommand }
  | { kind: "config"; config: Config }
  /** Secrets of logins added to the config while mimik runs (read on this side, as at the start). */
  | { kind: "secrets"; added: AddedSecrets }
  /** The main thread has handled every event batch up to `seq`. */
  | { kind: "ack"; seq: number }
  | { kind: "stop" };

/** A failure that crossed the thread boundary; StateError keeps its problems for the CLI's report. */
export interface ThreadError {
  name: string;
  message: string;
  problems?: Problem[] | undefined;
}

export type FromEngine =
  /** Built; the broker sessions are connecting. */
  | { kind: "ready" }
  /** Every broker session has connected or failed once. */
  | { kind: "started" }
  | { kind: "failed"; error: ThreadError }
  | EventBatchMessage
  | { kind: "outcomes"; id: number; outcomes: Outcome[] }
  | { kind: "commandFailed"; id: number; error: ThreadError }
  | {
      kind: "log";
      level: "info" | "warn" | "error";
      message: string;
      data?: Record<string, unknown> | undefined;
    }
  | { kind: "stopped" };
