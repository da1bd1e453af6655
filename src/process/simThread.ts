import { Worker } from "node:worker_threads";
import { builtFile } from "./engineThread/client.js";
import type { SimThreadInit } from "./simWorker.js";

export interface SimThread {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The demo trader starts now (mimik is connected); it starts by itself after a while anyway. */
  startTrading(): void;
  close(): Promise<void>;
}

/** Starts the embedded simulator (and the demo trader, for the demo) in its own thread. */
export function startSimThread(init: SimThreadInit = {}): Promise<SimThread> {
  const worker = new Worker(builtFile(new URL("./simWorker.js", import.meta.url)), { workerData: init });
  let closing: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`the simulator thread exited (code ${code})`)));
    worker.on("message", (message: { kind: string; url?: string; message?: string }) => {
      if (message.kind === "failed")
        reject(new Error(`the embedded simulator could not start: ${message.message}`));
      if (message.kind !== "ready" || !message.url) return;
      resolve({
        url: message.url,
        startTrading() {
          if (!closing) worker.postMessage({ kind: "trade" });
        },
        close() {
          closing ??= new Promise<void>((done) => {
            const timer = setTimeout(() => void worker.terminate(), 5000);
            worker.once("exit", () => {
              clearTimeout(timer);
              done();
            });
            worker.postMessage({ kind: "stop" });
          });
          return closing;
        },
      });
    });
  });
}
