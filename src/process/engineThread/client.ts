import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Config } from "../../../data/schema.js";
import { StateError } from "../../../data/stateError.js";
import { UserError } from "../../../data/userError.js";
import type { BrokerSession, EngineCommand, EngineEvent, Logger, Outcome } from "../../../engine/index.js";
import type { AddedSecrets } from "../connectionSecrets.js";
import { decodeBatch } from "./eventBatch.js";
import type { EngineInit, FromEngine, ThreadError, ToEngine } from "./protocol.js";

export type EngineListener = (event: EngineEvent, line?: string) => void;

/** The running engine as the main thread sees it: commands in, events out. */
export interface EngineHandle {
  execute(command: EngineCommand): Promise<Outcome[]>;
  setConfig(config: Config): void;
  /** Secrets of logins added to the config while mimik runs: the engine opens them. */
  addSecrets(added: AddedSecrets): void;
  /**
   * Engine events, in order; listeners run on the main thread. `line` is the event's JSON as
   * headless prints it (`jsonLine`), when the engine sent it (EngineInit.eventLines).
   */
  on(listener: EngineListener): () => void;
  /** Resolves once every broker session has connected or failed once. */
  readonly started: Promise<void>;
  /** Rejects if the engine stops by itself (its thread died): copying has stopped. */
  readonly died: Promise<never>;
  stop(): Promise<void>;
}

/** How long a stop may take before the thread is terminated (the journal has flushed long before). */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts the engine in a worker thread. Resolves once it is built (state file read, journal open,
 * sessions created); rejects with the engine's own error (a corrupt state file is a StateError,
 * reported to the trader like any other) if it cannot be.
 */
export function startEngineThread(init: EngineInit, logger: Logger): Promise<EngineHandle> {
  const worker = new Worker(builtFile(new URL("./worker.js", import.meta.url)), {
    workerData: init,
    // The engine's thread must not be stopped by the main thread's end of input.
    stdin: false,
  });
  const listeners = new Set<EngineListener>();
  const waiting = new Map<number, { resolve: (o: Outcome[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopping = false;
  let stoppedResolve: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stoppedResolve = resolve;
  });
  let startedResolve: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    startedResolve = resolve;
  });
  let dieWith: (error: Error) => void = () => undefined;
  const died = new Promise<never>((_, reject) => {
    dieWith = reject;
  });
  died.catch(() => undefined);
  const send = (message: ToEngine) => worker.postMessage(message);
  const emit = (event: EngineEvent, line?: string) => {
    for (const listener of listeners) {
      try {
        listener(event, line);
      } catch (error) {
        logger.error("an engine event listener failed", { type: event.type, error: String(error) });
      }
    }
  };

  return new Promise((resolve, reject) => {
    let ready = false;
    worker.on("message", (message: FromEngine) => {
      switch (message.kind) {
        case "ready":
          ready = true;
          resolve(handle);
          return;
        case "started":
          startedResolve();
          return;
        case "failed":
          if (!ready) reject(errorFrom(message.error));
          else {
            // Its start failed after it was built: "started" never comes, and a boot waiting for
            // it would hang (deaf to a stop signal) instead of seeing that the engine died.
            dieWith(new Error(`the engine failed to start: ${message.error.message}`));
            startedResolve();
          }
          return;
        case "events":
        case "eventsText":
        case "eventLines": {
          const { events, lines } = decodeBatch(message);
          for (let i = 0; i < events.length; i++) emit(events[i] as EngineEvent, lines?.[i]);
          if (message.dropped > 0) emit(droppedAlert(message.dropped));
          // Acknowledged once every listener has run: a stalled listener holds the engine's outbox back.
          send({ kind: "ack", seq: message.seq });
          return;
        }
        case "outcomes":
          waiting.get(message.id)?.resolve(message.outcomes);
          waiting.delete(message.id);
          return;
        case "commandFailed":
          waiting.get(message.id)?.reject(errorFrom(message.error));
          waiting.delete(message.id);
          return;
        case "log":
          logger[message.level](message.message, message.data);
          return;
        case "stopped":
          stoppedResolve();
          return;
      }
    });
    worker.on("error", (error) => {
      if (!ready) reject(error);
      else dieWith(new Error(`the engine thread failed: ${error.message}`));
    });
    worker.on("exit", (code) => {
      stoppedResolve();
      startedResolve();
      for (const [, w] of waiting) w.reject(new Error("the engine has stopped"));
      waiting.clear();
      if (!ready) reject(new Error(`the engine thread exited (code ${code}) before it was ready`));
      else if (!stopping) dieWith(new Error(`the engine thread exited unexpectedly (code ${code})`));
    });

    const handle: EngineHandle = {
      execute(command) {
        if (stopping) return Promise.reject(new Error("the engine is stopping"));
        const id = nextId++;
        return new Promise((res, rej) => {
          waiting.set(id, { resolve: res, reject: rej });
          send({ kind: "command", id, command });
        });
      },
      setConfig(config) {
        if (!stopping) send({ kind: "config", config });
      },
      addSecrets(added) {
        if (!stopping) send({ kind: "secrets", added });
      },
      on(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      started,
      died,
      async stop() {
        if (!stopping) {
          stopping = true;
          send({ kind: "stop" });
          const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
          await stopped;
          clearTimeout(timer);
        }
        await stopped;
      },
    };
  });
}

/**
 * The same engine on the calling thread, for a short-lived engine that has no screen or stdout to
 * be blocked by (the direct flatten) and for tests.
 */
export async function startEngineInline(
  init: EngineInit,
  logger: Logger,
  inject: { sessions?: BrokerSession[] } = {},
): Promise<EngineHandle> {
  // The engine's code is loaded here only for this use: the main thread of a console or headless
  // process never runs it (its thread loads its own), so their start does not wait for it.
  const { openEngineHost } = await import("./host.js");
  const host = await openEngineHost(init, logger, inject);
  let stopping: Promise<void> | undefined;
  return {
    execute: (command) => host.execute(command),
    setConfig: (config) => host.setConfig(config),
    addSecrets: (added) => host.addSecrets(added),
    // The host's second argument is its shared JSON text, not a printed line: not handed on.
    on: (listener) => host.on((event) => listener(event)),
    started: host.start(),
    died: new Promise<never>(() => undefined),
    stop() {
      stopping ??= host.stop();
      return stopping;
    },
  };
}

function errorFrom(e: ThreadError): Error {
  if (e.name === "StateError" && e.problems) return new StateError(e.problems);
  if (e.name === "UserError") return new UserError(e.message);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

function droppedAlert(count: number): EngineEvent {
  return {
    type: "alert",
    at: Date.now(),
    level: "warn",
    message: `${count} fills and copies were not shown while this screen or output was stalled; copying went on, and the journal has every one (mimik log)`,
  };
}

/**
 * The compiled file for a module URL. Running from dist/ it is the file itself; running the
 * TypeScript source (the test runner), a worker cannot load .ts, so it is the build's copy.
 */
export function builtFile(url: URL): string {
  const path = fileURLToPath(url);
  if (existsSync(path)) return path;
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const built = path.replace(root, `${root}dist/`);
  if (existsSync(built)) return built;
  throw new Error(`${path} is not built; run npm run build`);
}
