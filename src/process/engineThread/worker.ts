import { parentPort, workerData } from "node:worker_threads";
import type { Logger } from "../../../engine/index.js";
import { encodeBatch } from "./eventBatch.js";
import { type EngineHost, openEngineHost, threadError } from "./host.js";
import { EventOutbox } from "./outbox.js";
import type { EngineInit, FromEngine, ToEngine } from "./protocol.js";

/**
 * The engine's thread: broker sessions, copier, risk, orders, the state file and the journal,
 * on an event loop that nothing on the main thread (a stalled terminal, a slow stdout reader, a
 * local control client) can block.
 */
const port = parentPort;
if (!port) throw new Error("the engine thread must be started as a worker");
const post = (message: FromEngine) => port.postMessage(message);

const logger: Logger = {
  info: (message, data) => post({ kind: "log", level: "info", message, data }),
  warn: (message, data) => post({ kind: "log", level: "warn", message, data }),
  error: (message, data) => post({ kind: "log", level: "error", message, data }),
};

const lines = (workerData as EngineInit).eventLines === true;
const outbox = new EventOutbox((batch) => post(encodeBatch(batch, lines)));
let host: EngineHost | undefined;

port.on("message", (message: ToEngine) => {
  switch (message.kind) {
    case "command": {
      const { id, command } = message;
      if (!host) {
        post({ kind: "commandFailed", id, error: { name: "Error", message: "the engine is not running" } });
        return;
      }
      host.execute(command).then(
        (outcomes) => {
          // Events the command caused leave before its answer, so a caller sees them first.
          outbox.flush();
          post({ kind: "outcomes", id, outcomes });
        },
        (error: unknown) => post({ kind: "commandFailed", id, error: threadError(error) }),
      );
      return;
    }
    case "config":
      host?.setConfig(message.config);
      return;
    case "secrets":
      host?.addSecrets(message.added);
      return;
    case "ack":
      outbox.ack(message.seq);
      return;
    case "stop":
      void (async () => {
        await host
          ?.stop()
          .catch((error: unknown) => logger.error("engine stop failed", { error: String(error) }));
        outbox.flush();
        post({ kind: "stopped" });
        port.close();
      })();
      return;
  }
});

void (async () => {
  try {
    // The batches cross as JSON text: each journalled event's is made once, for its journal line too.
    host = await openEngineHost(workerData as EngineInit, logger, { shareText: true });
    host.on((event, text) => outbox.push(event, text));
    post({ kind: "ready" });
    await host.start();
    post({ kind: "started" });
  } catch (error) {
    post({ kind: "failed", error: threadError(error) });
  }
})();
